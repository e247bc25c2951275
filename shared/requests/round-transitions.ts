import type { ResolvedStep } from '../approvals/approval-line.js';
import type { KindPolicies } from '../policies/approval-policy.js';
import type { LedgerChange, RequestChange } from '../ports/request-store.js';
import { changeOf } from './change.js';
import { circulate, circulatedEvent } from './circulation-transitions.js';
import type { HistoryEvent, Snapshot } from './history.js';
import type { Assessment } from './kind.js';
import { type ApprovalRequest, type KindId, requestSchema } from './kinds/index.js';
import { type Actor, describeLine, lineSteps, withParticipants } from './line-transitions.js';
import { moved } from './moves.js';
import { carriedOn, forNewRound, released } from './per-kind.js';
import { type AttachmentRef, type Reader, stepWithoutWords } from './request.js';

/**
 * Transitions of a request's rounds: submitted, ended (approved, returned, rejected, withdrawn,
 * failed), revised while returned, resubmitted as a new round. Each goes through `moved` (the
 * status table, version + 1) and returns the events that record it.
 */

const revokeAll = (hashes: string[]): RequestChange['links'] =>
  hashes.length > 0 ? { revoke: hashes.map((hash) => ({ hash, reason: 'closed' as const })) } : undefined;

/** A new request as submission stores it (checked against its kind's stored schema), with its first events. */
export function submitted(input: {
  id: string;
  kind: KindId;
  details: unknown;
  requester: { id: string; name: string; departmentId: string; teamId: string | null };
  assessment: Omit<Assessment<unknown>, 'ledgers' | 'preferredDepartments'>;
  reservation: { reimbursableAmount?: number; ledgers?: ApprovalRequest['ledgers'] };
  line: ResolvedStep[];
  at: string;
  /** Its documents, checked and about to be bound in the same transaction. */
  attachments?: AttachmentRef[];
  /** Colleagues the requester copied (참조). */
  readers?: Reader[];
  /** The version of the policy its rules were applied under. */
  policyVersion?: string;
}): { request: ApprovalRequest; events: HistoryEvent[] } {
  const { id, kind, details, requester, assessment, reservation, line, at } = input;
  const request = requestSchema.parse({
    ...(assessment.state ?? {}),
    id,
    kind,
    status: 'in-review',
    requesterId: requester.id,
    requesterName: requester.name,
    departmentId: requester.departmentId,
    teamId: requester.teamId,
    details,
    amountRequested: assessment.amountRequested,
    reimbursableAmount: reservation.reimbursableAmount,
    capAmount: assessment.capAmount,
    ledgers: reservation.ledgers,
    ...(assessment.urgent ? { urgent: true } : {}),
    ...(assessment.handlingTeamId ? { handlingTeamId: assessment.handlingTeamId } : {}),
    ...(input.attachments?.length ? { attachments: input.attachments } : {}),
    ...(input.readers?.length ? { readers: input.readers } : {}),
    ...(input.policyVersion ? { policyVersion: input.policyVersion } : {}),
    round: 1,
    steps: lineSteps(line, assessment.confirmations),
    currentStage: 0,
    participants: [...new Set(line.map((step) => step.approverId))],
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
  return {
    request,
    events: [
      { at, actorId: requester.id, actorName: requester.name, action: 'submitted', round: 1, channel: 'api' },
      { at, actorId: 'system', action: 'routed', round: 1, channel: 'workflow', comment: `결재선: ${describeLine(line)}` },
      ...circulatedEvent(request, input.readers ?? [], requester, at, 'api'),
    ],
  };
}

/** Ends a round: approved, returned (반려), recalled (회수), rejected, withdrawn, failed or cancelled. Open steps are cancelled and their links revoked. */
export function closeRequest(
  request: ApprovalRequest,
  input: {
    status: 'approved' | 'returned' | 'recalled' | 'rejected' | 'withdrawn' | 'failed' | 'cancelled';
    at: string;
    actor: Actor;
    comment?: string;
    channel: string;
  },
): { request: ApprovalRequest; events: HistoryEvent[]; revokedLinks: string[] } {
  const { status, at, actor, comment, channel } = input;
  const revokedLinks = request.steps.flatMap((step) => (step.openLinkHash ? [step.openLinkHash] : []));
  const steps = request.steps.map((step) =>
    step.status === 'waiting' || step.status === 'pending' ? { ...step, status: 'cancelled' as const, openLinkHash: undefined } : step,
  );
  return {
    request: moved(request, at, { status, steps, stageDeadline: undefined, resumePending: undefined, supplement: undefined, reopened: undefined }),
    events: [{ at, actorId: actor.id, actorName: actor.name, action: status, round: request.round, comment, channel }],
    revokedLinks,
  };
}

/** Gives back the request's places (and reserved amount) in its ledgers: on withdrawal, final rejection or failure. */
export function releaseLedgers(request: ApprovalRequest): LedgerChange[] | undefined {
  const ledgers = request.ledgers ?? [];
  return ledgers.length > 0 ? ledgers.map(({ key, amount }) => ({ personId: request.requesterId, key, remove: { amount } })) : undefined;
}

/**
 * 파기: the ledgers the request held are deleted, keys and all — a key can name what is destroyed (a
 * vaccination's `vaccination#<vaccine>#<day>`). Their periods ended years before the retention did,
 * so no claim is counted against them any more; the finance totals are items of their own.
 */
export function dropLedgers(request: ApprovalRequest): LedgerChange[] | undefined {
  const ledgers = request.ledgers ?? [];
  return ledgers.length > 0 ? ledgers.map(({ key }) => ({ personId: request.requesterId, key, drop: true as const })) : undefined;
}

/**
 * Ends a round that will not be carried out (withdrawn, failed, cancelled) and gives back all it
 * held: its ledger places and reserved amounts, what its kind holds (a vehicle), its open links.
 * The whole change, to save at once.
 */
export function endRoundAndRelease(
  request: ApprovalRequest,
  input: { status: 'withdrawn' | 'failed' | 'cancelled'; at: string; actor: Actor; comment?: string; channel: string },
): RequestChange {
  const closed = closeRequest(request, input);
  const freed = released(closed.request, input.at);
  return changeOf(
    request,
    { request: freed.request, events: closed.events },
    {
      ledgers: releaseLedgers(request),
      calendar: freed.calendar ? { release: freed.calendar } : undefined,
      links: revokeAll(closed.revokedLinks),
    },
  );
}

/**
 * The line has decided: approved (and carried on as the kind says: a repair goes in progress, its
 * budget committed), returned to the requester, or finally rejected (its ledger places given
 * back). Anything the kind holds goes back unless approved.
 */
export function finalized(
  request: ApprovalRequest,
  input: {
    outcome: 'approved' | 'returned' | 'rejected';
    at: string;
    policy: KindPolicies;
    comment?: string;
    /** 공람: who an approved request goes to for information. */
    circulate?: { id: string; name: string }[];
    /** 문서번호, for a final decision (approved or rejected). */
    registration?: NonNullable<ApprovalRequest['registration']>;
    /** The version of the policy the decision is taken under. */
    policyVersion?: string;
  },
): RequestChange {
  const { outcome, at, registration } = input;
  const closing = closeRequest(request, {
    status: outcome,
    at,
    actor: { id: 'system', name: 'system' },
    channel: 'workflow',
    comment: input.comment,
  });
  const decidedUnder = input.policyVersion ? { decisionPolicyVersion: input.policyVersion } : {};
  const closed = { ...closing, request: { ...closing.request, ...decidedUnder, ...(registration ? { registration } : {}) } };
  const taken = registration ? { departmentId: registration.departmentId, year: registration.year, sequence: registration.sequence } : undefined;
  const links = revokeAll(closed.revokedLinks);
  if (outcome === 'approved') {
    const after = carriedOn(closed.request, { at, policy: input.policy });
    const shared = circulate(after.request, { people: input.circulate ?? [], at });
    return changeOf(
      request,
      { request: shared.request, events: [...closed.events, ...shared.events] },
      { budget: after.budget, links, registration: taken, circulation: shared.entries.length ? { put: shared.entries } : undefined },
    );
  }
  const freed = released(closed.request, at);
  return changeOf(
    request,
    { request: freed.request, events: closed.events },
    {
      ledgers: outcome === 'rejected' ? releaseLedgers(request) : undefined,
      calendar: freed.calendar ? { release: freed.calendar } : undefined,
      links,
      registration: taken,
    },
  );
}

const snapshotOf = (request: ApprovalRequest, withSteps: boolean): Snapshot => ({
  round: request.round,
  details: request.details,
  amountRequested: request.amountRequested,
  reimbursableAmount: request.reimbursableAmount,
  capAmount: request.capAmount,
  ...(withSteps ? { steps: request.steps } : {}),
});

/** The requester revises a returned request (content checked by its kind); what it said before stays in the history. */
export function reviseRequest(
  request: ApprovalRequest,
  input: {
    /** The revised request's content, as its kind assessed it: details, amounts, ledgers and own fields. */
    revised: ApprovalRequest;
    at: string;
    actor: Actor;
    comment?: string;
    /** Documents the revision added, named in its history entry. */
    added?: AttachmentRef[];
  },
): { request: ApprovalRequest; events: HistoryEvent[] } {
  return {
    request: moved(request, input.at, input.revised),
    events: [
      {
        at: input.at,
        actorId: input.actor.id,
        actorName: input.actor.name,
        action: 'revised',
        round: request.round,
        comment: input.comment,
        channel: 'api',
        snapshot: snapshotOf(request, false),
        ...(input.added?.length
          ? { documents: input.added.map((attachment) => ({ attachmentId: attachment.id, documentType: attachment.documentType })) }
          : {}),
      },
    ],
  };
}

/** A returned request goes through a freshly resolved line again, as a new round (the last round's own fields cleared). */
export function resubmit(
  request: ApprovalRequest,
  input: {
    line: ResolvedStep[];
    confirmations?: string[];
    at: string;
    actor: Actor;
    comment?: string;
    /** The version of the policy its line and rules were applied under again. */
    policyVersion?: string;
  },
): { request: ApprovalRequest; events: HistoryEvent[] } {
  const round = request.round + 1;
  return {
    request: moved(forNewRound(request), input.at, {
      ...(input.policyVersion ? { policyVersion: input.policyVersion } : {}),
      status: 'in-review',
      round,
      steps: lineSteps(input.line, input.confirmations),
      currentStage: 0,
      stageDeadline: undefined,
      participants: withParticipants(request.participants, ...input.line.map((step) => step.approverId)),
    }),
    events: [
      {
        at: input.at,
        actorId: input.actor.id,
        actorName: input.actor.name,
        action: 'resubmitted',
        round,
        comment: input.comment,
        channel: 'api',
        snapshot: snapshotOf(request, true),
      },
      { at: input.at, actorId: 'system', action: 'routed', round, comment: `결재선: ${describeLine(input.line)}`, channel: 'workflow' },
    ],
  };
}

/** The requester adds documents while the request is in review or returned; the history names them. */
export function documentsAdded(
  request: ApprovalRequest,
  input: { attachments: AttachmentRef[]; at: string; actor: Actor; comment?: string },
): { request: ApprovalRequest; events: HistoryEvent[] } {
  return {
    request: moved(request, input.at, { attachments: [...(request.attachments ?? []), ...input.attachments] }),
    events: [
      {
        at: input.at,
        actorId: input.actor.id,
        actorName: input.actor.name,
        action: 'documents-added',
        round: request.round,
        comment: input.comment,
        channel: 'api',
        documents: input.attachments.map((attachment) => ({ attachmentId: attachment.id, documentType: attachment.documentType })),
      },
    ],
  };
}

/**
 * 파기: the retention of a closed request has ended. Its personal detail fields are removed, its
 * documents' names (their files are deleted by the caller), the words in its steps and its ledger
 * keys (the ledgers themselves: `dropLedgers`) are gone;
 * what is not personal stays (kind, department, amounts, dates, decisions, 문서번호), so finance
 * totals and audit figures stay exact. Recorded, with the rule, as `destroyed`.
 */
export function destroyedRecord(
  request: ApprovalRequest,
  input: { at: string; rule: string; fields: string[]; documents: boolean; words: boolean },
): { request: ApprovalRequest; events: HistoryEvent[] } {
  const details = Object.fromEntries(Object.entries(request.details).filter(([field]) => !input.fields.includes(field)));
  const attachments = input.documents ? request.attachments?.map((attachment) => ({ ...attachment, fileName: '(파기됨)' })) : request.attachments;
  const steps = input.words ? request.steps.map(stepWithoutWords) : request.steps;
  const destroyed = {
    at: input.at,
    rule: input.rule,
    fields: input.fields,
    documents: input.documents ? (request.attachments?.length ?? 0) : 0,
    words: input.words,
  };
  return {
    request: moved(request, input.at, { details, attachments, steps, ledgers: undefined, destroyed } as Partial<ApprovalRequest>),
    events: [
      {
        at: input.at,
        actorId: 'system',
        action: 'destroyed',
        round: request.round,
        comment: input.rule,
        channel: 'workflow',
        input: { fields: input.fields, documents: destroyed.documents, words: input.words },
      },
    ],
  };
}
