import type { Construct } from 'constructs';
import type { OfficePolicy } from '../shared/policies/office-policy.js';
import type { ApprovalTasks } from './approval-steps.js';
import { ApprovalLineWorkflow } from './kind-workflow.js';

/**
 * 공용차량 배차. By default: the requester's team leader agrees to the trip → 총무팀's dispatch
 * officer assigns a vehicle, which holds it for the window (a conditional write on the vehicle's
 * calendar days, in the same transaction as the decision). The trip log and its reminders follow
 * approval through the API and the timer sweep.
 */
export class VehicleBookingWorkflow extends ApprovalLineWorkflow {
  static readonly kind = 'vehicle-booking';

  constructor(scope: Construct, id: string, props: { tasks: ApprovalTasks; policy: OfficePolicy }) {
    super(scope, id, { comment: '공용차량 배차 (official vehicle booking) approval', ...props });
  }
}
