import type { Construct } from 'constructs';
import type { OfficePolicy } from '../shared/policies/office-policy.js';
import type { ApprovalTasks } from './approval-steps.js';
import { ApprovalLineWorkflow } from './kind-workflow.js';

/**
 * 청사 시설 보수. By default: the building's managing team triages (its facility officer records
 * the estimate and quotes) → the 전결 level the estimate falls in decides (팀장 / 과장 / 국장 / 구청장),
 * counted from that team. The second stage is resolved when the triage is recorded. What follows
 * approval — the work, its report, the requester's confirmation or the automatic close — runs on
 * API calls and the timer sweep: a repair may take months, longer than a waiting task should.
 */
export class FacilityRepairWorkflow extends ApprovalLineWorkflow {
  static readonly kind = 'facility-repair';

  constructor(scope: Construct, id: string, props: { tasks: ApprovalTasks; policy: OfficePolicy }) {
    super(scope, id, { comment: '청사 시설 보수 (facility repair request) approval', ...props });
  }
}
