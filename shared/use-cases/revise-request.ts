import * as z from 'zod';
import { resolveSubmittedLine } from '../approvals/approval-line.js';
import type { Directory, Person } from '../directory/directory.js';
import { documentLabel } from '../documents/document-labels.js';
import { DuplicateClaimError, ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../kernel/errors.js';
import { seoulDate } from '../kernel/seoul-time.js';
import { invalidInput, parseOrThrow, text, toFieldIssues } from '../kernel/validation.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import { type OfficePolicy, policyVersion } from '../policies/office-policy.js';
import { type AttachmentBinding, type AttachmentStore, AttachmentTakenError } from '../ports/attachment-store.js';
import type { DocumentFiles } from '../ports/document-files.js';
import type { FleetStore } from '../ports/fleet-store.js';
import type { Mailer } from '../ports/messaging.js';
import { ConcurrentChangeError, type LedgerChange, LedgerFullError, type RequestChange, type RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { Workflows } from '../ports/workflows.js';
import { changeOf } from '../requests/change.js';
import { circulatedEvent, circulationEntry } from '../requests/circulation-transitions.js';
import type { HistoryEvent } from '../requests/history.js';
import type { Assessment } from '../requests/kind.js';
import { type ApprovalRequest, kindById, requestSchema, statusLabel } from '../requests/kinds/index.js';
import { assessSubmission, reassess, submittedDetails } from '../requests/per-kind.js';
import { type AttachmentRef, isParticipant } from '../requests/request.js';
import { resubmit, reviseRequest } from '../requests/round-transitions.js';
import { attachmentIdsSchema, prepareAttachments, requireDocuments } from './attachments.js';
import { ccIdsSchema, copiedReaders, tellReaders } from './circulation.js';
import { duplicateMessage, reserveInLedgers } from './ledger-reservation.js';
import { requestView } from './request-view.js';
import { startRoundOrFail } from './start-round.js';

export interface ResubmitRequestDeps {
  requests: RequestStore;
  directory: Directory;
  workflows: Workflows;
  clock: Clock;
  policy: OfficePolicy;
  fleet: FleetStore;
}

/** A revision may add documents (it checks and binds them) and change who is copied (참조, who are told). */
export interface ReviseRequestDeps extends Omit<ResubmitRequestDeps, 'workflows'> {
  attachments: AttachmentStore;
  files: DocumentFiles;
  mailer: Mailer;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export const resubmitBody = z.object({ comment: text('재상신 의견(comment)', 1000).optional() }).strict();

/**
 * 반려 → 보완 → 재상신. Only a returned request changes: one in review would let an approver approve
 * something other than what they read, and an approved one is never silently re-approved (§17):
 * a change after approval is a new request.
 */
async function returnedRequestOf(requests: RequestStore, callerId: string, requestId: string, verb: string): Promise<ApprovalRequest> {
  const request = await requests.get(requestId);
  if (!request || !isParticipant(request, callerId)) throw new NotFoundError(`요청 ${requestId}을(를) 찾을 수 없습니다.`);
  if (request.requesterId !== callerId) throw new ForbiddenError(`본인이 제출한 요청만 ${verb}할 수 있습니다.`);
  if (request.status === 'approved') {
    throw new InvalidStateError(`승인된 요청은 ${verb}할 수 없습니다. 승인 후 내용을 바꾸려면 새 요청으로 다시 결재를 받아야 합니다.`);
  }
  if (request.status !== 'returned' && request.status !== 'recalled') {
    throw new InvalidStateError(`반려되었거나 회수한 요청만 ${verb}할 수 있습니다 (현재 상태: ${statusLabel(request.status)}).`);
  }
  return request;
}

const concurrent = (error: unknown) => {
  if (error instanceof ConcurrentChangeError) return new InvalidStateError('요청이 방금 다른 곳에서 바뀌었습니다. 새로 고친 뒤 다시 시도하세요.');
  return error;
};

export function makeReviseRequest(deps: ReviseRequestDeps) {
  const { requests, directory, clock } = deps;
  /**
   * `PUT /requests/{id}` — Primary course:
   * 1. Only the requester, only while returned (반려) or recalled (회수).
   * 2. Validate the new content against the kind's schema and rules, as on submission; documents
   *    named in `attachments` are added (checked as on submission), and the required ones must be
   *    among all the request then holds (what a returned claim most often lacks).
   * 3. Save it with the previous content kept in the history (a `revised` event with a snapshot);
   *    the request's ledger place moves with it (another year) and, under an amount cap, its
   *    reservation follows the new amount; `ccIds`, when sent, replaces who is copied (참조) —
   *    all in the same transaction. Newly copied colleagues are told.
   */
  return async function revise(input: { callerId: string; requestId: string; body: unknown }) {
    const request = await returnedRequestOf(requests, input.callerId, input.requestId, '수정');
    const {
      kind: sentKind,
      attachments: attachmentIds = [],
      ccIds,
      ...fields
    } = parseOrThrow(
      z.looseObject({ kind: z.unknown().optional(), attachments: attachmentIdsSchema.optional(), ccIds: ccIdsSchema.optional() }),
      input.body ?? {},
    );
    if (sentKind !== undefined && sentKind !== request.kind) {
      throw invalidInput([{ path: 'kind', message: `요청 종류는 바꿀 수 없습니다 (${request.kind})` }]);
    }
    const requester = await directory.person(request.requesterId);
    if (!requester) throw new ForbiddenError('직원 명부에 없는 사용자입니다.');
    const now = clock.now();
    const revision = await prepareRevision(deps, request, { fields, attachmentIds, requester, now });
    const at = now.toISOString();
    const actor = { id: requester.id, name: requester.name };
    // 참조: `ccIds`, when sent, is the new list of colleagues copied (those kept keep their 확인).
    const copies =
      ccIds === undefined
        ? undefined
        : await copiedReaders(deps, { kind: request.kind, requesterId: requester.id, ccIds, at, earlier: request.readers });
    const before = (request.readers ?? []).filter((reader) => reader.as === 'cc');
    const added = copies?.filter((reader) => !before.some((earlier) => earlier.id === reader.id)) ?? [];
    const dropped = copies === undefined ? [] : before.filter((earlier) => !copies.some((reader) => reader.id === earlier.id));
    const others = (request.readers ?? []).filter((reader) => reader.as !== 'cc');
    const readers = copies === undefined ? request.readers : [...others, ...copies];
    const content = { ...revision.content, readers: readers?.length ? readers : undefined };
    const revised = reviseRequest(request, { revised: content, at, actor, added: revision.added });
    const changed = { request: revised.request, events: [...revised.events, ...circulatedEvent(request, added, actor, at, 'api')] };
    const circulation = {
      put: added.map((reader) => circulationEntry(request, reader)),
      remove: dropped.map((reader) => ({ personId: reader.id, requestId: request.id, since: reader.since })),
    };
    await saveRevision(requests, request, changed, { ...revision, circulation });
    await tellReaders(deps, revised.request, added);
    return requestView(revised.request);
  };
}

/** A request's content revised: checked and assessed as on submission, its documents checked, its ledger places moved. */
export interface Revision {
  content: ApprovalRequest;
  added: AttachmentRef[];
  ledgers: LedgerChange[] | undefined;
  bindings: AttachmentBinding[];
  /** Readers' list entries that come or go with it (참조 changed on revision). */
  circulation?: RequestChange['circulation'];
  /** Ledger entries of the revised content (to name the one a race filled). */
  claims: Assessment<unknown>['ledgers'];
}

/**
 * The content a revision (`PUT`) or a 보완 answer leaves: `fields` validated against the kind's
 * schema and rules as on submission; documents named in `attachmentIds` checked and added, and the
 * required ones must be among all the request then holds; the ledger reservation follows the new
 * content (another year, another amount). Nothing is saved: `saveRevision` does, with the transition.
 */
export async function prepareRevision(
  deps: ReviseRequestDeps,
  request: ApprovalRequest,
  input: {
    fields: unknown;
    attachmentIds: string[];
    requester: Person;
    now: Date;
    /** Document types that must be among those added (what a 보완 요청 asked for). */
    mustAdd?: string[];
  },
): Promise<Revision> {
  const { requests, directory, policy, fleet } = deps;
  const { requester, now } = input;
  const label = kindById(request.kind).label;
  const parsed = submittedDetails(request.kind, input.fields);
  if (!parsed.success) throw invalidInput(toFieldIssues(parsed.error));
  const details = parsed.data;
  const assessment = await assessSubmission(request.kind, details, { directory, requester, fleet, policy, now, today: seoulDate(now) });
  // The claim's own reservations count as available to it: revising never competes with itself.
  const reservation = await reserveInLedgers(requests, { personId: request.requesterId, kindLabel: label, assessment, current: request.ledgers });
  const documents = await prepareAttachments(deps, {
    kind: request.kind,
    ids: input.attachmentIds,
    uploader: requester,
    requestId: request.id,
    round: request.round,
    at: now.toISOString(),
    existing: request.attachments,
  });
  const attachments = [...(request.attachments ?? []), ...documents.refs];
  const period = assessment.ledgers?.[0];
  const earlier =
    period === undefined ? [] : (await requests.ledgerUsage(request.requesterId, period.key)).requestIds.filter((id) => id !== request.id);
  requireDocuments(policy, request.kind, attachments, { details, firstClaimOfPeriod: earlier.length === 0 });
  const missing = (input.mustAdd ?? []).filter((type) => !documents.refs.some((added) => added.documentType === type));
  if (missing.length) {
    const names = missing.map((type) => documentLabel(request.kind, type)).join(', ');
    throw new ValidationError(`요청받은 서류를 첨부하세요: ${names}`, [{ path: 'attachments', message: `요청받은 서류가 없습니다: ${names}` }]);
  }
  await documents.keep();
  const content: ApprovalRequest = requestSchema.parse({
    ...request,
    ...assessment.state,
    details,
    amountRequested: assessment.amountRequested,
    reimbursableAmount: reservation.reimbursableAmount,
    capAmount: assessment.capAmount,
    ledgers: reservation.ledgers,
    // Who handles it and how fast, as the new content says (a repair moved to another building).
    urgent: assessment.urgent ? true : undefined,
    handlingTeamId: assessment.handlingTeamId,
    ...(attachments.length ? { attachments } : {}),
  });
  return { content, added: documents.refs, ledgers: reservation.changes, bindings: documents.bindings, claims: assessment.ledgers };
}

/** Saves a revision with its transition, in one transaction; a race (a file taken, a ledger filled, the request moved) becomes the caller's Korean 4xx. */
export async function saveRevision(
  requests: RequestStore,
  request: ApprovalRequest,
  changed: { request: ApprovalRequest; events: HistoryEvent[] },
  revision: Revision,
): Promise<void> {
  try {
    await requests.save(changeOf(request, changed, { ledgers: revision.ledgers, attachments: revision.bindings, circulation: revision.circulation }));
  } catch (error) {
    if (error instanceof AttachmentTakenError) {
      throw new ValidationError('첨부 파일 중 방금 다른 요청에 첨부된 것이 있습니다.', [
        { path: 'attachments', message: '이미 다른 요청에 첨부된 파일입니다' },
      ]);
    }
    if (error instanceof LedgerFullError) {
      const claim = revision.claims?.find((candidate) => candidate.key === error.key);
      if (claim?.capKrw !== undefined) throw new InvalidStateError('같은 기간의 다른 청구가 동시에 처리되었습니다. 다시 수정해 주세요.');
      throw new DuplicateClaimError(duplicateMessage(claim, kindById(request.kind).label));
    }
    throw concurrent(error);
  }
}

/**
 * `POST /requests/{id}/resubmit` — Primary course:
 * 1. Only the requester, only while returned (반려) or recalled (회수).
 * 2. Resolve the line afresh from today's directory and policy (the amounts may have changed).
 * 3. A new round: the earlier round's steps and decisions are kept in the history (snapshot).
 * 4. Start the round's workflow (failing visibly if it cannot start).
 */
export function makeResubmitRequest(deps: ResubmitRequestDeps) {
  const { requests, directory, workflows, clock, policy } = deps;
  return async function resubmitRequest(input: { callerId: string; requestId: string; body: unknown }) {
    const { comment } = parseOrThrow(resubmitBody, input.body ?? {});
    const request = await returnedRequestOf(requests, input.callerId, input.requestId, '재상신');
    const requester = await directory.person(request.requesterId);
    if (!requester) throw new ForbiddenError('직원 명부에 없는 사용자입니다.');
    // The kind's rules are applied again as of today (a transfer's round or eligibility may have moved).
    const assessment = reassess(request.kind, request.details, { requester, policy, now: clock.now(), today: seoulDate(clock.now()) });
    const line = await resolveSubmittedLine(kindPolicyFor(policy, request.kind).line, {
      requester,
      amounts: { reimbursableAmount: request.reimbursableAmount, amountRequested: request.amountRequested },
      preferredDepartments: assessment.preferredDepartments,
      handlingTeamId: assessment.handlingTeamId,
      directory,
      seed: `${request.id}#${request.round + 1}`,
    });
    const next = resubmit(request, {
      line,
      confirmations: assessment.confirmations,
      at: clock.now().toISOString(),
      actor: { id: requester.id, name: requester.name },
      comment,
      policyVersion: policyVersion(policy),
    });
    try {
      await requests.save(changeOf(request, next));
    } catch (error) {
      throw concurrent(error);
    }
    await startRoundOrFail({ requests, workflows, clock }, next.request);
    return requestView(next.request);
  };
}
