import type { Construct } from 'constructs';
import type { OfficePolicy } from '../shared/policies/office-policy.js';
import type { ApprovalTasks } from './approval-steps.js';
import { ApprovalLineWorkflow } from './kind-workflow.js';

/**
 * 난임치료 시술비 지원. By default a welfare officer reviews; the 교육후생팀 team leader decides up
 * to 1,000,000 KRW under 전결, the head of 총무과 above (the line is data, in the kind's policy).
 */
export class InfertilityTreatmentWorkflow extends ApprovalLineWorkflow {
  static readonly kind = 'infertility-treatment';

  constructor(scope: Construct, id: string, props: { tasks: ApprovalTasks; policy: OfficePolicy }) {
    super(scope, id, { comment: '난임치료 시술비 지원 (infertility-treatment reimbursement) approval', ...props });
  }
}
