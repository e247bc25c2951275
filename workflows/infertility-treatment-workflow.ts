import type { Construct } from 'constructs';
import type { OfficePolicy } from '../shared/policies/office-policy.js';
import { approvalLine, type ApprovalTasks } from './approval-steps.js';
import { ApprovalWorkflow } from './approval-workflow.js';

/**
 * 난임치료 시술비 지원. The line is data, resolved at submission from the kind's policy (by
 * default: a welfare officer reviews; the 교육후생팀 team leader decides up to 1,000,000 KRW
 * under 전결, the head of 총무과 above).
 */
export class InfertilityTreatmentWorkflow extends ApprovalWorkflow {
  static readonly kind = 'infertility-treatment';

  constructor(scope: Construct, id: string, props: { tasks: ApprovalTasks; policy: OfficePolicy }) {
    super(scope, id, {
      comment: '난임치료 시술비 지원 (infertility-treatment reimbursement) approval',
      definition: (workflow) => approvalLine(workflow, props.tasks, props.policy),
      invokes: props.tasks.all,
    });
  }
}
