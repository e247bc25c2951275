import type { Construct } from 'constructs';
import type { OfficePolicy } from '../shared/policies/office-policy.js';
import type { AnyKind } from '../shared/requests/kinds/index.js';
import { type ApprovalTasks, approvalLine } from './approval-steps.js';
import { ApprovalWorkflow } from './approval-workflow.js';

/**
 * The workflow of a kind whose process is its approval line — every kind so far: the line itself
 * is data, resolved at submission from the kind's policy, and what follows approval (a repair's
 * work, a booking's trip log, a transfer's effective date) runs on API calls and the timer sweep,
 * since it may take months, longer than a waiting task should. A kind whose workflow really
 * differed would get a construct of its own around the same approval steps.
 */
export class ApprovalLineWorkflow extends ApprovalWorkflow {
  constructor(scope: Construct, id: string, props: { kind: Pick<AnyKind, 'label' | 'description'>; tasks: ApprovalTasks; policy: OfficePolicy }) {
    super(scope, id, {
      comment: `${props.kind.label} (${props.kind.description}) approval`,
      definition: (workflow) => approvalLine(workflow, props.tasks, props.policy),
      invokes: props.tasks.all,
    });
  }
}

/** The construct id of a kind's workflow: `health-checkup` → `HealthCheckupWorkflow`. */
export const workflowIdOf = (kindId: string) =>
  `${kindId
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}Workflow`;
