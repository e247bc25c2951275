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

/** The result the decision hands back to the waiting workflow. */
export interface DecisionOutcome {
  outcome: 'next' | 'approved' | 'rejected';
}

export interface Workflows {
  /** Starts the kind's workflow for a request; idempotent per request id. Returns the execution id. */
  start(kind: string, requestId: string): Promise<string>;
  /** Stops the request's workflow (a withdrawal). */
  stop(kind: string, requestId: string, cause: string): Promise<void>;
  /** Resumes a workflow waiting on `taskToken` with a human decision. */
  resume(taskToken: string, outcome: DecisionOutcome): Promise<void>;
}

/** An approval link as stored: only the hash of its id, bound to one approver and one step. */
export interface ApprovalLink {
  hash: string;
  requestId: string;
  stepIndex: number;
  approverId: string;
  taskToken: string;
  expiresAt: string;
  status: 'open' | 'used' | 'revoked';
  usedAt?: string;
  decision?: Decision;
}

/**
 * One atomic change to a request: its new state and everything that must change with it.
 * `expectedVersion` guards against concurrent changes (undefined: the request must be new).
 */
export interface RequestChange {
  request: ApprovalRequest;
  expectedVersion?: number;
  events: HistoryEvent[];
  /** Take (`add`) or give back (`remove`) the request's place in a per-person ledger. */
  ledger?: { personId: string; key: string; add?: { maxRequests: number }; remove?: true };
  idempotency?: { requesterId: string; key: string; bodyHash: string };
  link?:
    | { put: ApprovalLink }
    | { consume: { hash: string; at: string; decision: Decision } }
    | { revoke: string[] };
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
  ledgerHolders(personId: string, key: string): Promise<string[]>;
  getLink(hash: string): Promise<ApprovalLink | undefined>;
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
