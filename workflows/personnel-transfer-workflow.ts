import type { Construct } from 'constructs';
import type { OfficePolicy } from '../shared/policies/office-policy.js';
import type { ApprovalTasks } from './approval-steps.js';
import { ApprovalLineWorkflow } from './kind-workflow.js';

/**
 * 전보 희망. By default: the current department head's opinion (may not block) → an 인사팀 officer
 * reviews (and confirms any early-transfer ground) → the first-preference department head consents
 * (내신) → the 인사팀 team leader decides. The move itself happens on the round's effective date,
 * applied by the timer sweep, not by this workflow.
 */
export class PersonnelTransferWorkflow extends ApprovalLineWorkflow {
  static readonly kind = 'personnel-transfer';

  constructor(scope: Construct, id: string, props: { tasks: ApprovalTasks; policy: OfficePolicy }) {
    super(scope, id, { comment: '전보 희망 (personnel transfer request) approval', ...props });
  }
}
