import type { RecordedEvents } from '../finance/accounting.js';
import type { HistoryEvent, HistoryRedaction, ReadTarget } from '../requests/history.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import type { Decision } from '../requests/request.js';
import type { AttachmentBinding } from './attachment-store.js';
import type { BudgetChange, BudgetFigures } from './budget.js';
import type { CalendarHold, CalendarRelease } from './fleet-store.js';
import type { ChatMessageRef } from './messaging.js';

/** The requests, their history, links, ledgers and what changes with them: the store the use cases depend on. */

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
  /**
   * Why a link stopped working without being used: the request closed, the step moved to someone
   * else or to a fresh link, the requester was asked for a supplement, or the stage went back a step.
   */
  revokedReason?: 'closed' | 'replaced' | 'rerouted' | 'supplement' | 'returned-to-previous';
  /** The Slack message that carries this link's buttons, updated once the step is decided or moves on. */
  chatMessage?: ChatMessageRef;
}

/**
 * One recorded read of a request by someone other than its requester (개인정보 접속기록): who, when,
 * which request (kind), how, and why they may read it — on its line, by the kind's role, as its
 * managing unit, on circulation, or auditing (with the purpose they stated).
 */
export interface AccessEntry {
  at: string;
  requestId: string;
  kind: string;
  readerId: string;
  readerName?: string;
  channel: string;
  scope: 'line' | 'role' | 'unit' | 'circulation' | 'audit';
  purpose?: string;
  /** What was read: the request, its 결재문서 or one of its documents. Entries written before it was recorded have none. */
  target?: AccessTarget;
  /** The document read, when it was one of the request's documents. */
  documentType?: string;
  /** Tells apart two reads in the same millisecond (set when stored). */
  accessId?: string;
}

/** What a read took of a request: the request itself, its 결재문서 (`document`) or one of its documents (`attachment`). */
export type AccessTarget = ReadTarget;

/** One line of the 파기 대장: what was destroyed of which request, when, under which rule. */
export interface DestructionEntry {
  at: string;
  requestId: string;
  kind: string;
  registrationNumber?: string;
  rule: string;
  fields: string[];
  documents: number;
  words: boolean;
}

/** Where a decided request sits in its month's audit index: when it was numbered, and its id. */
export interface DecidedPosition {
  at: string;
  requestId: string;
}

/** 문서번호: the next number of a department's register for a Seoul year, taken with a final decision. */
export interface RegistrationChange {
  departmentId: string;
  year: string;
  /** The register's last number + 1, as read: the save fails (ConcurrentChangeError) if another took it first. */
  sequence: number;
}

/** Where one person's entry for one request sits on their list of what they read for information. */
export interface CirculationKey {
  personId: string;
  requestId: string;
  since: string;
}

/** A request on a person's list of what they read for information (공람·참조), and when they confirmed reading it. */
export interface CirculationEntry extends CirculationKey {
  kind: string;
  requesterName: string;
  as: 'cc' | 'circulation';
  ackedAt?: string;
}

/**
 * One atomic change to a request: its new state and everything that must change with it.
 * `expectedVersion` guards against concurrent changes (undefined: the request must be new).
 */
export interface RequestChange {
  request: ApprovalRequest;
  expectedVersion?: number;
  /** The change's history events, accounted (what each moved in money) against `request` as saved. */
  events: RecordedEvents;
  /**
   * Take (`add`) or give back (`remove`) the request's place in per-person ledgers; `amount` is
   * what it reserves against an amount cap (`maxReservedBefore`: the most the ledger may already
   * hold for the reservation to fit). `adjust` changes the reservation of a request already there.
   */
  ledgers?: LedgerChange[];
  idempotency?: { requesterId: string; key: string; bodyHash: string };
  /** Uploads bound to the request: each only if still unbound and its owner's (else AttachmentTakenError). */
  attachments?: AttachmentBinding[];
  /**
   * Vehicle calendar days: a hold adds the booking to a day only if the day is still at the version
   * it was read at (so the overlap check made on that read still holds); a release removes it.
   */
  calendar?: { hold?: CalendarHold[]; release?: CalendarRelease[] };
  /** A trip log's odometer: accepted only if it does not start below the vehicle's last reading. */
  odometer?: { vehicleId: string; start: number; end: number; requestId: string; at: string };
  /** Running figures of a budget line's year, moved by the same transaction as the request. */
  budget?: BudgetChange[];
  /** 파기: the line of the 파기 대장 written with the destruction. */
  destruction?: DestructionEntry;
  /** 문서번호 taken with a final decision. */
  registration?: RegistrationChange;
  /** Entries on readers' lists (공람·참조) that come, change (확인) or go with the request. */
  circulation?: { put?: CirculationEntry[]; remove?: CirculationKey[] };
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
  /** 파기: the ledger's item deleted, key and all (a key may name what is destroyed: a vaccine and its day). */
  | { drop: true }
);

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
  /** A read, recorded at once in the request's history (`viewed`) and in the access log, in one transaction. */
  recordAccess(event: HistoryEvent, entry: AccessEntry): Promise<void>;
  /** The access log of a Seoul month between two instants, oldest first, a page at a time (`after`: the last entry seen). */
  accessLog(
    month: string,
    range: { from: string; to: string },
    page: { limit: number; after?: AccessEntry },
  ): Promise<{ items: AccessEntry[]; more: boolean }>;
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
  /** Closed requests of a kind, not yet destroyed, whose retention started before `startedBefore` (파기). */
  dueForDestruction(kind: string, startedBefore: string, limit: number): Promise<ApprovalRequest[]>;
  /**
   * 파기 in the history: the named fields of earlier contents (snapshots) removed and, with `words`,
   * the words people wrote (comments, and an earlier round's step comments and skip reasons). Idempotent.
   */
  redactHistory(requestId: string, redaction: HistoryRedaction): Promise<number>;
  /** Requests whose 보완 요청 reminder or answer deadline is due. */
  dueSupplements(now: string, limit: number): Promise<ApprovalRequest[]>;
  /** Requests in review whose workflow has not opened a stage within the grace period. */
  dueStarts(now: string, limit: number): Promise<ApprovalRequest[]>;
  /** Requests returned or recalled whose last change was at or before `before`, oldest first (장기 미처리: the sweep withdraws them). */
  dueIdle(before: string, limit: number): Promise<ApprovalRequest[]>;
  /** Approved requests whose effect (e.g. a transfer) takes effect at or before `now` and is not applied yet. */
  dueEffects(now: string, limit: number): Promise<ApprovalRequest[]>;
  /** The last 문서번호 sequence a department's register gave in a Seoul year (0: none yet). */
  lastRegistration(departmentId: string, year: string): Promise<number>;
  /**
   * Finally decided requests of a Seoul month (`YYYY-MM`) whose decision (문서번호) falls between
   * `from` and `to` (ISO instants), oldest first, a page at a time: `after` the one last seen.
   */
  decidedIn(
    month: string,
    range: { from: string; to: string },
    page: { limit: number; after?: DecidedPosition },
  ): Promise<{ items: ApprovalRequest[]; more: boolean }>;
  /** The 파기 대장 of a Seoul year, oldest first. */
  destructionsIn(year: string): Promise<DestructionEntry[]>;
  /** What a person reads for information (공람·참조), newest first. */
  circulationFor(personId: string, page: { limit: number; cursor?: string }): Promise<{ items: CirculationEntry[]; nextCursor?: string }>;
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

export class ConcurrentChangeError extends Error {
  override name = 'ConcurrentChangeError';
}

/** A ledger the change adds the request to is full (count or cap); `key` says which. */
export class LedgerFullError extends Error {
  override name = 'LedgerFullError';
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
  }
}

export class IdempotencyRaceError extends Error {
  override name = 'IdempotencyRaceError';
}

export class LinkUnavailableError extends Error {
  override name = 'LinkUnavailableError';
}
