import * as z from 'zod';
import { financeFiguresSchema } from '../finance/figures.js';
import { approvalStepSchema, decisionSchema } from './request.js';

/** What can happen to a request, as its record (문서관리카드) names it. */
export const historyActionSchema = z.enum([
  'submitted',
  'routed',
  'notified',
  /** A notice could not be sent on one channel (Slack down); the email still carries the step. */
  'notice-failed',
  'reminded',
  'escalated',
  'rerouted',
  /** 지정: the holder handed a review or input step to a colleague with the same role. */
  'reassigned',
  'viewed',
  'decided',
  'skipped',
  'approved',
  'returned',
  'revised',
  'resubmitted',
  'rejected',
  'withdrawn',
  /** The requester took the request back before anyone decided (회수), to edit and resubmit. */
  'recalled',
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
  /** The requester added documents to a request under review or returned. */
  'documents-added',
  /** 보완 요청: a holder asked the requester for a document or a correction; the step waits with them. */
  'supplement-requested',
  /** The requester answered a 보완 요청 (documents, changed fields); the same step continues. */
  'supplemented',
  /** The requester was reminded that a 보완 요청 awaits their answer. */
  'supplement-reminded',
  /** 전단계 반려: a holder sent the request back to the previous stage, whose decision reopens. */
  'returned-to-previous',
  /** 공람·참조: people were given the request to read for information (the `comment` names them). */
  'circulated',
  /** 확인: a reader on circulation confirmed reading it. */
  'acknowledged',
  /** 파기: what was personal was destroyed at the end of the retention period (the comment says under which rule). */
  'destroyed',
  /** 의견: a comment by someone who may read the request; not a decision. */
  'commented',
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

/** What a read (`viewed`) took of a request: the request itself, its 결재문서 (`document`) or one of its documents (`attachment`). */
export const readTargetSchema = z.enum(['request', 'document', 'attachment']);
export type ReadTarget = z.infer<typeof readTargetSchema>;

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
  /** What a `viewed` read: the request, its 결재문서 or one of its documents (named in `documents`). */
  target: readTargetSchema.optional(),
  /** The documents an event is about: those added, or the one read (a `viewed` of a document). */
  documents: z.array(z.object({ attachmentId: z.string(), documentType: z.string() })).optional(),
  /** What the actor recorded with a decision or report (a triage estimate, a vehicle, an actual cost, a trip log). */
  input: z.record(z.string(), z.unknown()).optional(),
  /** The money this event moved, as added to its month's totals in the same transaction (see shared/finance/totals.ts). */
  finance: financeFiguresSchema.optional(),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;

/**
 * What a step's holder does that moves the round on or hands it on: a decision, a skipped review, a
 * 보완 요청, a 전단계 반려, a 지정. The step itself may no longer show it (a 전단계 반려 sets the
 * decisions it reopens back to pending; an answered 보완 요청 leaves no trace on the request), the
 * record does.
 */
const holderActions: ReadonlySet<HistoryAction> = new Set(['decided', 'skipped', 'supplement-requested', 'returned-to-previous', 'reassigned']);

/** Whether anyone on the line has acted in `round` (회수 is refused from then on: 철회 instead). */
export const actedOnInRound = (events: readonly HistoryEvent[], round: number): boolean =>
  events.some((event) => event.round === round && holderActions.has(event.action));

/** What 파기 removes from a request's history: the destroyed detail fields of its snapshots, and (`words`) what people wrote. */
export interface HistoryRedaction {
  fields: string[];
  words: boolean;
}

/** Where an attribute of a stored event sits: names, and list positions. */
export type EventPath = readonly (string | number)[];

/**
 * Where 파기 finds what it removes in one event: its comment, and in a snapshot of an earlier
 * version the named detail fields and — a resubmission keeps the last round's steps — each step's
 * comment and skip reason. None once removed, so a redaction cut off can simply run again.
 */
export function redactionPaths(event: HistoryEvent, redaction: HistoryRedaction): EventPath[] {
  const snapshot = event.snapshot;
  const fields = redaction.fields.filter((field) => snapshot !== undefined && Object.hasOwn(snapshot.details, field));
  const words: EventPath[] = redaction.words
    ? [
        ...(event.comment === undefined ? [] : [['comment']]),
        ...(snapshot?.steps ?? []).flatMap((step, i) => [
          ...(step.comment === undefined ? [] : [['snapshot', 'steps', i, 'comment']]),
          ...(step.skipReason === undefined ? [] : [['snapshot', 'steps', i, 'skipReason']]),
        ]),
      ]
    : [];
  return [...words, ...fields.map((field) => ['snapshot', 'details', field])];
}

/** The event as 파기 leaves it (see `redactionPaths`). */
export function redactedEvent(event: HistoryEvent, redaction: HistoryRedaction): HistoryEvent {
  const copy = structuredClone(event);
  for (const path of redactionPaths(event, redaction)) {
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key];
    Reflect.deleteProperty(parent as object, path.at(-1) ?? '');
  }
  return copy;
}
