import type { Construct } from 'constructs';
import type { OfficePolicy } from '../shared/policies/office-policy.js';
import type { ApprovalTasks } from './approval-steps.js';
import { ApprovalLineWorkflow } from './kind-workflow.js';

/**
 * 건강검진비 지원. By default a welfare officer reviews and the 교육후생팀 team leader approves
 * under 전결 (the line is data, in the kind's policy).
 */
export class HealthCheckupWorkflow extends ApprovalLineWorkflow {
  static readonly kind = 'health-checkup';

  constructor(scope: Construct, id: string, props: { tasks: ApprovalTasks; policy: OfficePolicy }) {
    super(scope, id, { comment: '건강검진비 지원 (health-checkup reimbursement) approval', ...props });
  }
}
