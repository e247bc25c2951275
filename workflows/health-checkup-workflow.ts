import type { Construct } from 'constructs';
import { approvalLine, type ApprovalTasks } from './approval-steps.js';
import { ApprovalWorkflow } from './approval-workflow.js';

/**
 * 건강검진비 지원: the welfare officer reviews, the 교육후생팀 team leader approves
 * (the line itself is resolved at submission from the routing policy).
 */
export class HealthCheckupWorkflow extends ApprovalWorkflow {
  static readonly kind = 'health-checkup';

  constructor(scope: Construct, id: string, props: { tasks: ApprovalTasks }) {
    super(scope, id, {
      comment: '건강검진비 지원 (health-checkup reimbursement) approval',
      definition: (workflow) => approvalLine(workflow, props.tasks),
      invokes: props.tasks.all,
    });
  }
}
