import type { FinanceFigures, FinanceKey, MonthTotals } from '../finance/totals.js';
import type { CalendarDay, CalendarEntry, Vehicle } from '../fleet/fleet.js';
import type { ApprovalRequest, Decision, HistoryEvent } from '../requests/request.js';

/** Ports the use cases depend on. Adapters live in shared/adapters/; tests pass fakes. */

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** A request id people can read aloud and that sorts by time. */
  requestId(now: Date): string;
  /** An unguessable approval-link id (≥ 128 bits). */
  linkId(): string;
}

export interface EmailMessage {
  to: { name: string; email: string };
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

/** Where a chat message landed, so it can be updated later (Slack: the DM channel and the message ts). */
export interface ChatMessageRef {
  channel: string;
  ts: string;
}

/** A chat message: plain text (notifications, accessibility) and Block Kit blocks. */
export interface ChatMessage {
  text: string;
  blocks: unknown[];
}

/**
 * Slack, for approvers who live there. Every call may fail (rate limits, outages): callers treat
 * chat as best effort beside email, never as something a decision or a workflow waits on.
 */
export interface Chat {
  /** A direct message to a Slack user. */
  post(userId: string, message: ChatMessage): Promise<ChatMessageRef>;
  update(ref: ChatMessageRef, message: ChatMessage): Promise<void>;
  /** A modal (e.g. the comment a 반려 needs), opened on a click's trigger id. */
  openModal(triggerId: string, view: Record<string, unknown>): Promise<void>;
  /** A message only `userId` sees, in the channel they clicked in. */
  ephemeral(channel: string, userId: string, text: string): Promise<void>;
}

/** What a stage's decisions hand back to the waiting workflow. */
export interface DecisionOutcome {
  outcome: 'next' | 'approved' | 'returned' | 'rejected';
}

export interface Workflows {
  /** Starts the kind's workflow for one round of a request; idempotent per request id and round. */
  start(kind: string, requestId: string, round: number): Promise<string>;
  /** Stops a round's workflow (a withdrawal). */
  stop(kind: string, requestId: string, round: number, cause: string): Promise<void>;
  /** Resumes a workflow waiting on `taskToken` with the stage's outcome. */
  resume(taskToken: string, outcome: DecisionOutcome): Promise<void>;
  /** Fails the task waiting on `taskToken` (the stage's deadline passed): the workflow's Catch takes over. */
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

/**
 * An approval link as stored: only the hash of its id, bound to one holder and one step of one
 * round, with the stage's task token and the step's timers. Open links carry the index attributes
 * of "pending approvals by approver" and "due timers"; using or revoking a link removes them.
 */
export interface ApprovalLink {
  hash: string;
  requestId: string;
  round: number;
  stepIndex: number;
  approverId: string;
  /** 대결: the approver the holder decides for. */
  actingForId?: string;
  taskToken: string;
  /** The stage deadline: the link stops working then. */
  expiresAt: string;
  /** When the step reached its holder; "pending approvals" sort by it. */
  openedAt: string;
  remindAt?: string;
  escalateAt?: string;
  status: 'open' | 'used' | 'revoked';
  usedAt?: string;
  decision?: Decision;
  /** Why a link stopped working without being used: the request closed, or the step moved to someone else or to a fresh link. */
  revokedReason?: 'closed' | 'replaced' | 'rerouted';
  /** The Slack message that carries this link's buttons, updated once the step is decided or moves on. */
  chatMessage?: ChatMessageRef;
}

/**
 * One atomic change to a request: its new state and everything that must change with it.
 * `expectedVersion` guards against concurrent changes (undefined: the request must be new).
 */
export interface RequestChange {
  request: ApprovalRequest;
  expectedVersion?: number;
  events: HistoryEvent[];
  /**
   * Take (`add`) or give back (`remove`) the request's place in per-person ledgers; `amount` is
   * what it reserves against an amount cap (`maxReservedBefore`: the most the ledger may already
   * hold for the reservation to fit). `adjust` changes the reservation of a request already there.
   */
  ledgers?: LedgerChange[];
  idempotency?: { requesterId: string; key: string; bodyHash: string };
  /**
   * Vehicle calendar days: a hold adds the booking to a day only if the day is still at the version
   * it was read at (so the overlap check made on that read still holds); a release removes it.
   */
  calendar?: { hold?: CalendarHold[]; release?: CalendarRelease[] };
  /** A trip log's odometer: accepted only if it does not start below the vehicle's last reading. */
  odometer?: { vehicleId: string; start: number; end: number; requestId: string; at: string };
  /** Running figures of a budget line's year, moved by the same transaction as the request. */
  budget?: BudgetChange[];
  links?: {
    put?: ApprovalLink[];
    /** Only an open, unexpired link can be used, once. */
    consume?: { hash: string; at: string; decision: Decision };
    revoke?: { hash: string; reason: NonNullable<ApprovalLink['revokedReason']> }[];
  };
}

export type LedgerChange = { personId: string; key: string } & (
  | { add: { maxRequests?: number; amount?: number; maxReservedBefore?: number } }
  | { remove: { amount?: number } }
  | { adjust: { delta: number; maxReservedBefore: number } }
);

export interface CalendarHold {
  vehicleId: string;
  day: string;
  /** The day's version when it was read (0: no item yet). */
  expectedVersion: number;
  entry: CalendarEntry;
}

export interface CalendarRelease {
  vehicleId: string;
  day: string;
  requestId: string;
}

/** Deltas (KRW) to one budget line's figures for one year. */
export interface BudgetChange {
  line: string;
  year: number;
  committedKrw?: number;
  spentKrw?: number;
  outstandingKrw?: number;
}

export interface BudgetFigures {
  committedKrw: number;
  spentKrw: number;
  outstandingKrw: number;
}

/** A vehicle's latest odometer reading (the seed's figure until the first trip log). */
export interface OdometerReading {
  km: number;
  requestId?: string;
  recordedAt?: string;
}

/** The fleet and its calendars (reads; holds and releases go with the request's change). */
export interface FleetStore {
  vehicles(): Promise<Vehicle[]>;
  vehicle(id: string): Promise<Vehicle | undefined>;
  /** The calendar days of these vehicles (strongly consistent: a hold is conditioned on what this read). */
  calendar(vehicleIds: string[], days: string[]): Promise<CalendarDay[]>;
  /** A vehicle's calendar days from `fromDay` to `toDay`, inclusive. */
  schedule(vehicleId: string, fromDay: string, toDay: string): Promise<CalendarDay[]>;
  lastReading(vehicleId: string): Promise<OdometerReading | undefined>;
}

/** Finance's reads: a month's maintained totals (one Query), and — for reconciliation — the events behind them. */
export interface FinanceStore {
  monthTotals(month: string): Promise<MonthTotals>;
  /** Every event of the month that moved money, with its key (a full scan: reconciliation only). */
  eventsOfMonth(month: string): Promise<{ key: FinanceKey; figures: FinanceFigures }[]>;
}

/** Where monthly reports are kept: S3 in AWS (a lifecycle rule expires them), files under `$DATA_DIR/reports/` locally. */
export interface ReportStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<{ body: Buffer; contentType: string } | undefined>;
}

/** What a per-person ledger holds: the requests in it and the amount they reserve. */
export interface LedgerUsage {
  requestIds: string[];
  reservedKrw: number;
}

export interface RequestPage {
  items: ApprovalRequest[];
  nextCursor?: string;
}

export interface RequestStore {
  save(change: RequestChange): Promise<void>;
  get(id: string): Promise<ApprovalRequest | undefined>;
  history(id: string): Promise<HistoryEvent[]>;
  appendEvent(requestId: string, event: HistoryEvent): Promise<void>;
  listByRequester(requesterId: string, page: { limit: number; cursor?: string }): Promise<RequestPage>;
  findIdempotent(requesterId: string, key: string): Promise<{ requestId: string; bodyHash: string } | undefined>;
  ledgerUsage(personId: string, key: string): Promise<LedgerUsage>;
  getLink(hash: string): Promise<ApprovalLink | undefined>;
  /** Open links held by a person, oldest first. */
  pendingFor(approverId: string): Promise<ApprovalLink[]>;
  /** Open links with a reminder, escalation or deadline due at or before `now`. */
  dueLinks(now: string, limit: number): Promise<ApprovalLink[]>;
  /** Requests whose decided stage has not been seen to move on within the grace period. */
  dueResumes(now: string, limit: number): Promise<ApprovalRequest[]>;
  /** Approved requests whose effect (e.g. a transfer) takes effect at or before `now` and is not applied yet. */
  dueEffects(now: string, limit: number): Promise<ApprovalRequest[]>;
  /** The transfer requests of a personnel round, oldest first. */
  listByRound(roundId: string): Promise<ApprovalRequest[]>;
  /** Takes a link off the timer sweep (its task is gone; nothing more can happen to it). */
  clearLinkTimer(hash: string): Promise<void>;
  /** Remembers the Slack message that carries a link's buttons. */
  setLinkChatMessage(hash: string, ref: ChatMessageRef): Promise<void>;
  /** Approved requests whose follow-up (a trip-log reminder, a repair's automatic close) is due. */
  dueFollowUps(now: string, limit: number): Promise<ApprovalRequest[]>;
  /** A budget line's running figures for a year. */
  budget(line: string, year: number): Promise<BudgetFigures>;
}

/** 대결: "from date to date, <deputy> decides for me" (Seoul dates, inclusive). */
export interface Delegation {
  principalId: string;
  deputyId: string;
  from: string;
  to: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  /** What the timer sweep still has to do: re-route waiting steps at the start, hand them back after the end. */
  pendingTimer?: { kind: 'start' | 'end'; at: string };
}

export interface DelegationStore {
  /** Creates or replaces the principal's delegation starting on `from`. */
  put(delegation: Delegation): Promise<void>;
  /** A principal's delegations, by start date. */
  listFor(principalId: string): Promise<Delegation[]>;
  /** Delegations whose start or end the sweep has not handled yet, due at or before `now`. */
  due(now: string, limit: number): Promise<Delegation[]>;
  setTimer(principalId: string, from: string, timer: Delegation['pendingTimer']): Promise<void>;
  /** Removes the principal's delegation starting on `from` (ended early); false if there was none. */
  remove(principalId: string, from: string): Promise<boolean>;
}

/** Store failures the use cases translate into what a person sees. */
export class ConcurrentChangeError extends Error {
  override name = 'ConcurrentChangeError';
}
export class LedgerFullError extends Error {
  override name = 'LedgerFullError';
}
export class IdempotencyRaceError extends Error {
  override name = 'IdempotencyRaceError';
}
export class LinkUnavailableError extends Error {
  override name = 'LinkUnavailableError';
}
/** A calendar day changed since it was read: the hold must be decided again on a fresh read. */
export class CalendarChangedError extends Error {
  override name = 'CalendarChangedError';
}
export class OdometerBackwardsError extends Error {
  override name = 'OdometerBackwardsError';
}
