import * as z from 'zod';
import { financeFiguresSchema } from '../finance/figures.js';

/**
 * A request and its append-only history. The stored shape is defined here once; item types
 * are derived from these schemas (shared/store/ adds only the key attributes).
 */
/**
 * `returned` (반려): back with the requester, who revises and resubmits or withdraws.
 * After approval some kinds go on: a repair is `in-progress` until the managing unit reports it
 * done (`work-done`), then `completed` once the requester confirms (or after the confirmation
 * period); a vehicle booking is `completed` by its trip log, or `cancelled` before the trip; an
 * approved reimbursement is `paid` once finance pays it.
 */
export const requestStatusSchema = z.enum([
  'in-review',
  'returned',
  'approved',
  'rejected',
  'withdrawn',
  'failed',
  'in-progress',
  'work-done',
  'completed',
  'cancelled',
  'paid',
]);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

export const decisionSchema = z.enum(['approve', 'reject']);
export type Decision = z.infer<typeof decisionSchema>;

export const stepActionSchema = z.enum(['review', 'cooperate', 'approve']);
export type StepAction = z.infer<typeof stepActionSchema>;

export const channelSchema = z.enum(['email-link', 'api', 'slack']);
export type Channel = z.infer<typeof channelSchema>;

export const approvalStepSchema = z.object({
  index: z.int().nonnegative(),
  /** Steps of one stage wait in parallel and must all agree; stages run in order. */
  stage: z.int().nonnegative(),
  action: stepActionSchema,
  /** Who holds the step now: the resolved approver, their deputy (대결) or the level above (escalation). */
  approverId: z.string(),
  approverName: z.string(),
  approverPosition: z.string(),
  /** 대결: the approver the holder decides for. */
  actingForId: z.string().optional(),
  actingForName: z.string().optional(),
  /** The routing rule that chose the approver, and any adjustment (moved up past the requester, escalated). */
  rule: z.string(),
  /** 전결: the delegated-authority rule under which this (final) approval is decided below the head of office. */
  delegatedAuthority: z.string().optional(),
  /** An opinion that may not block (e.g. the current department head on a transfer): a dissent is recorded, the line goes on. */
  advisory: z.boolean().optional(),
  /** What this reviewer must confirm before agreeing (e.g. an early-transfer ground); such a review cannot be skipped. */
  mustConfirm: z.string().optional(),
  status: z.enum(['pending', 'waiting', 'approved', 'rejected', 'skipped', 'cancelled']),
  notifiedAt: z.string().optional(),
  remindedAt: z.string().optional(),
  escalatedAt: z.string().optional(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional(),
  comment: z.string().optional(),
  channel: channelSchema.optional(),
  /** §9: a reviewer who is away may be skipped only with a recorded reason. */
  skipReason: z.string().optional(),
  /** Hash of the link currently open for this step, so a close, re-route or escalation can revoke it. */
  openLinkHash: z.string().optional(),
  /** What the holder must record to agree (see the line's `input`): a triage estimate, a vehicle assignment. */
  input: z.enum(['facility-triage', 'vehicle-dispatch']).optional(),
});
export type ApprovalStep = z.infer<typeof approvalStepSchema>;

export const historyActionSchema = z.enum([
  'submitted',
  'routed',
  'notified',
  'reminded',
  'escalated',
  'rerouted',
  'viewed',
  'decided',
  'skipped',
  'approved',
  'returned',
  'revised',
  'resubmitted',
  'rejected',
  'withdrawn',
  'failed',
  /** What approval set in motion has happened (e.g. the transfer took effect in the directory). */
  'completed',
  /** The managing unit reports a repair done, with its actual cost. */
  'work-reported',
  /** The requester confirms (or reopens) the work; or the confirmation period ends. */
  'confirmed',
  'reopened',
  /** A trip log (운행일지) was recorded. */
  'trip-logged',
  'cancelled',
  /** Finance paid an approved reimbursement. */
  'paid',
]);
export type HistoryAction = z.infer<typeof historyActionSchema>;

/** What a round looked like when it ended or its content changed (§22: earlier versions are kept). */
export const snapshotSchema = z.object({
  round: z.int().positive(),
  details: z.record(z.string(), z.unknown()),
  amountRequested: z.int().optional(),
  reimbursableAmount: z.int().optional(),
  capAmount: z.int().optional(),
  steps: z.array(approvalStepSchema).optional(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

/** One append-only entry of a request's record (문서관리카드). Nothing edits or deletes these. */
export const historyEventSchema = z.object({
  at: z.string(),
  /** Employee id, or `system` for the workflow itself. */
  actorId: z.string(),
  actorName: z.string().optional(),
  /** 대결: whom the actor acted for. */
  actingForId: z.string().optional(),
  actingForName: z.string().optional(),
  action: historyActionSchema,
  round: z.int().positive().optional(),
  stepIndex: z.int().optional(),
  decision: decisionSchema.optional(),
  /** 전결 / 대결, when the decision was taken under delegated authority or by a deputy. */
  markers: z.array(z.enum(['전결', '대결'])).optional(),
  /** The rule behind a routing, a 전결 or an escalation. */
  rule: z.string().optional(),
  comment: z.string().optional(),
  /** How it happened: `api`, `email-link`, `slack`, `workflow`. */
  channel: z.string().optional(),
  /** Re-routing and escalation: from whom, to whom. */
  fromId: z.string().optional(),
  toId: z.string().optional(),
  snapshot: snapshotSchema.optional(),
  /** What the actor recorded with a decision or report (a triage estimate, a vehicle, an actual cost, a trip log). */
  input: z.record(z.string(), z.unknown()).optional(),
  /** The money this event moved, as added to its month's totals in the same transaction (see shared/finance/totals.ts). */
  finance: financeFiguresSchema.optional(),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;

export const requestSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: requestStatusSchema,
  requesterId: z.string(),
  requesterName: z.string(),
  departmentId: z.string(),
  teamId: z.string().nullable(),
  /** Exactly what the requester submitted, kind-specific. Never rewritten. */
  details: z.record(z.string(), z.unknown()),
  amountRequested: z.int().optional(),
  reimbursableAmount: z.int().optional(),
  capAmount: z.int().optional(),
  /**
   * The per-person ledger this request holds a place in (released on rejection/withdrawal), and
   * for amount-capped kinds the amount it reserves there.
   */
  ledger: z.object({ key: z.string(), amount: z.int().nonnegative().optional() }).optional(),
  /**
   * What approval changes outside the request, and when: a transfer moves the requester to a
   * department on the round's effective date (`appliedAt` once the directory has changed).
   */
  effect: z
    .object({
      type: z.literal('transfer'),
      departmentId: z.string(),
      effectiveDate: z.iso.date(),
      roundId: z.string(),
      appliedAt: z.string().optional(),
    })
    .optional(),
  /**
   * A stage was decided and its workflow told to move on; until the workflow's next step runs
   * (and clears this), the timer sweep can tell it again. Holds the stage's task token: never shown.
   */
  resumePending: z.object({ taskToken: z.string(), outcome: z.enum(['next', 'approved', 'returned', 'rejected']), since: z.string() }).optional(),
  /** A safety hazard (긴급): the managing unit hears at once, and reminders run in hours. */
  urgent: z.boolean().optional(),
  /** The team responsible for the request (a building's managing team); `handling-unit` steps start there. */
  handlingTeamId: z.string().optional(),
  /** A repair's triage by its managing unit: the estimate 전결 is counted on, and the quotes behind it. */
  triage: z
    .object({
      estimateKrw: z.int().nonnegative(),
      quoteCount: z.int().nonnegative(),
      contractor: z.string().optional(),
      note: z.string().optional(),
      by: z.string(),
      byName: z.string(),
      at: z.string(),
    })
    .optional(),
  /**
   * A repair after approval: the budget line and year it is charged to, what was committed (the
   * approved estimate), and once reported done, the actual cost; `closesAt` is when it completes
   * unless the requester objects.
   */
  work: z
    .object({
      budgetLine: z.string(),
      budgetYear: z.int(),
      committedKrw: z.int().nonnegative(),
      actualCostKrw: z.int().nonnegative().optional(),
      completedOn: z.iso.date().optional(),
      reportedBy: z.string().optional(),
      reportedAt: z.string().optional(),
      closesAt: z.string().optional(),
      closedAt: z.string().optional(),
    })
    .optional(),
  /** A vehicle booking's assignment: the vehicle held for [from, to) since `assignedAt`. */
  booking: z
    .object({
      vehicleId: z.string(),
      plate: z.string(),
      from: z.string(),
      to: z.string(),
      assignedBy: z.string(),
      assignedAt: z.string(),
      /** The dispatcher accepted the system's suggestion rather than naming a vehicle. */
      suggested: z.boolean(),
      /** When the hold was given back (withdrawn, rejected, cancelled, failed). */
      releasedAt: z.string().optional(),
    })
    .optional(),
  /** 운행일지: the odometer out and in (km) and fuel, recorded after the trip. */
  tripLog: z
    .object({
      odometerStart: z.int().nonnegative(),
      odometerEnd: z.int().nonnegative(),
      distanceKm: z.int().nonnegative(),
      fuelLiters: z.number().nonnegative(),
      recordedBy: z.string(),
      recordedAt: z.string(),
    })
    .optional(),
  /** Finance paid the approved amount (once: the status guards it). */
  payment: z.object({ amountKrw: z.int().nonnegative(), paidAt: z.string(), paidBy: z.string(), batchId: z.string() }).optional(),
  /** What the timer sweep does next for an approved request: remind a missing trip log, or close a repair nobody objected to. */
  followUp: z.object({ action: z.enum(['trip-log-reminder', 'auto-close']), at: z.string(), count: z.int().nonnegative().optional() }).optional(),
  /** 1 on submission, +1 on each resubmission after a 반려. */
  round: z.int().positive(),
  steps: z.array(approvalStepSchema),
  currentStage: z.int().nonnegative(),
  /** When the current stage's links expire and the request fails if nobody has decided. */
  stageDeadline: z.string().optional(),
  /** Everyone who has been on any round's line (holders and those they acted for): who may read it. */
  participants: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.int().positive(),
});
export type ApprovalRequest = z.infer<typeof requestSchema>;

/** The steps of the current stage still waiting for a decision. */
export function waitingSteps(request: ApprovalRequest): ApprovalStep[] {
  return request.status === 'in-review' ? request.steps.filter((step) => step.stage === request.currentStage && step.status === 'waiting') : [];
}

/** Who may see a request at all: its requester and the people on any of its lines. */
export function isParticipant(request: ApprovalRequest, personId: string): boolean {
  return request.requesterId === personId || request.participants.includes(personId);
}

export const stageCount = (request: ApprovalRequest) => Math.max(...request.steps.map((step) => step.stage)) + 1;
