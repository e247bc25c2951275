import type { Construct } from 'constructs';
import type { OfficePolicy } from '../shared/policies/office-policy.js';
import { type ApprovalTasks, approvalLine } from './approval-steps.js';
import { ApprovalWorkflow } from './approval-workflow.js';

/**
 * The workflow of a kind whose whole process is its approval line (the line itself is data,
 * resolved at submission from the kind's policy). Kinds with more to do — triage, completion,
 * an effective date — get their own construct around the same approval steps.
 */
export class ApprovalLineWorkflow extends ApprovalWorkflow {
  constructor(scope: Construct, id: string, props: { comment: string; tasks: ApprovalTasks; policy: OfficePolicy }) {
    super(scope, id, {
      comment: props.comment,
      definition: (workflow) => approvalLine(workflow, props.tasks, props.policy),
      invokes: props.tasks.all,
    });
  }
}
