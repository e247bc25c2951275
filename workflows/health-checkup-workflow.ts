import type { Construct } from 'constructs';
import { approvalLine, type ApprovalTasks } from './approval-steps.js';
import { ApprovalWorkflow } from './approval-workflow.js';
import type { OfficePolicy } from '../shared/policies/office-policy.js';

/**
 * 건강검진비 지원. The line itself (by default: a welfare officer reviews, the 교육후생팀 team
 * leader approves under 전결) is data, resolved at submission from the kind's policy.
 */
export class HealthCheckupWorkflow extends ApprovalWorkflow {
  static readonly kind = 'health-checkup';

  constructor(scope: Construct, id: string, props: { tasks: ApprovalTasks; policy: OfficePolicy }) {
    super(scope, id, {
      comment: '건강검진비 지원 (health-checkup reimbursement) approval',
      definition: (workflow) => approvalLine(workflow, props.tasks, props.policy),
      invokes: props.tasks.all,
    });
  }
}
