import * as z from 'zod';
import type { Directory, Person } from '../directory/directory.js';
import { ForbiddenError, NotFoundError } from '../kernel/errors.js';
import { parseOrThrow } from '../kernel/validation.js';
import { approvalDocument } from '../notifications/approval-document.js';
import type { KindPolicies } from '../policies/approval-policy.js';
import type { AccessEntry, AccessTarget, RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { type ApprovalRequest, findKind, kindById } from '../requests/kinds/index.js';
import { describe } from '../requests/per-kind.js';
import { isParticipant, isReader } from '../requests/request.js';
import { requestView, withheld, withheldEvent } from './request-view.js';

export interface ReadRequestsDeps {
  requests: RequestStore;
  directory: Directory;
  clock: Clock;
}

export const auditPurposeQuery = z.object({
  purpose: z
    .string()
    .trim()
    .min(2, { error: '열람 목적(purpose)을 구체적으로 적으세요' })
    .max(300, { error: '열람 목적(purpose)은 300자 이내로 적으세요' })
    .optional(),
});

/** One of the request's documents (붙임) being read. */
export type AttachmentRead = { attachmentId: string; documentType: string };

/**
 * Loads a request for a reader who gets it whole: its 결재문서 (`document`) or one of its documents
 * (`attachment`, which `attachment` finds in the request). Those who may read the request, and
 * auditors — a health kind's only for a stated `purpose`: neither can be shown in part, so without
 * one the auditor is refused before anything is read or recorded.
 */
export async function readFor(
  deps: ReadRequestsDeps,
  callerId: string,
  requestId: string,
  read: { purpose?: string } & ({ target: 'document' } | { target: 'attachment'; attachment: (request: ApprovalRequest) => AttachmentRead }),
): Promise<ApprovalRequest> {
  return (await auditedRead(deps, callerId, requestId, read)).request;
}

/**
 * A read by anyone who may read the request — or, read-only, by an auditor (role `auditor`), who
 * reads every request's record. A health kind's content reaches an auditor only for a stated
 * `purpose`, recorded with the read; without one it is withheld from the request (`withhold`) and
 * its 결재문서 and documents are refused. Every read of a health kind by anyone but its requester is
 * recorded (`viewed`, and in the access log with what was read), as is any read of a document.
 */
export async function auditedRead(
  { requests, directory, clock }: ReadRequestsDeps,
  callerId: string,
  requestId: string,
  options: { purpose?: string; target?: AccessTarget; attachment?: (request: ApprovalRequest) => AttachmentRead } = {},
): Promise<{ request: ApprovalRequest; withhold: boolean }> {
  const request = await requests.get(requestId);
  const privacy = request ? findKind(request.kind)?.privacy : undefined;
  const viewer = await directory.person(callerId);
  const granted = request ? readScope(request, viewer, callerId) : undefined;
  const scope = granted ?? (viewer?.roles.includes(AUDITOR) ? 'audit' : undefined);
  if (!request || !privacy || !scope) throw new NotFoundError(`요청 ${requestId}을(를) 찾을 수 없습니다.`);
  const auditing = scope === 'audit';
  const target = options.target ?? 'request';
  const withhold = auditing && privacy.sensitive && !options.purpose;
  if (withhold && target !== 'request') {
    const what = target === 'document' ? '결재문서' : '서류';
    throw new ForbiddenError(`건강 정보가 담긴 요청의 ${what}는 열람 목적을 밝혀야 볼 수 있습니다: ?purpose=<열람 목적>을 붙여 다시 요청하세요.`);
  }
  const read = target === 'attachment' ? options.attachment?.(request) : undefined;
  if ((privacy.sensitive || target === 'attachment' || auditing) && scope !== 'requester') {
    const at = clock.now().toISOString();
    const purpose = auditing ? options.purpose : undefined;
    await requests.recordAccess(
      {
        at,
        actorId: callerId,
        actorName: viewer?.name,
        action: 'viewed',
        round: request.round,
        channel: 'api',
        target,
        ...(auditing ? { comment: purpose ? `감사 열람: ${purpose}` : '감사 열람 (건강 정보 비공개)' } : {}),
        ...(read ? { documents: [read] } : {}),
      },
      {
        at,
        requestId: request.id,
        kind: request.kind,
        readerId: callerId,
        ...(viewer?.name ? { readerName: viewer.name } : {}),
        channel: 'api',
        scope,
        target,
        ...(purpose ? { purpose } : {}),
        ...(read ? { documentType: read.documentType } : {}),
      },
    );
  }
  return { request, withhold };
}

const AUDITOR = 'auditor';

/**
 * Who may read a request: its requester, anyone on any round's line, the kind's own readers (a team
 * role, such as the welfare officers), where the kind says so its handling unit, and the people
 * given it to read for information (공람·참조; never on a health kind).
 */
export function mayRead(request: ApprovalRequest, viewer: Pick<Person, 'teamId' | 'roles'> | undefined, callerId: string): boolean {
  return readScope(request, viewer, callerId) !== undefined;
}

/** Why `callerId` may read the request (its requester, on its line, by the kind's role, as its managing unit, on circulation), or undefined. */
export function readScope(
  request: ApprovalRequest,
  viewer: Pick<Person, 'teamId' | 'roles'> | undefined,
  callerId: string,
): 'requester' | Exclude<AccessEntry['scope'], 'audit'> | undefined {
  const privacy = findKind(request.kind)?.privacy;
  if (!privacy) return undefined;
  if (request.requesterId === callerId) return 'requester';
  if (isParticipant(request, callerId)) return 'line';
  const readers = privacy.readers;
  if (readers !== undefined && viewer?.teamId === readers.team && viewer.roles.includes(readers.role)) return 'role';
  // The unit responsible for a request (a building's managing team) reads it, whoever on it holds the step.
  if (privacy.handlingUnitReads === true && request.handlingTeamId !== undefined && viewer?.teamId === request.handlingTeamId) return 'unit';
  if (isReader(request, callerId)) return 'circulation';
  return undefined;
}

/** `GET /requests/{id}`: the request with its steps and its history (for an auditor, `?purpose=` to see a health kind's content). */
export function makeGetRequest(deps: ReadRequestsDeps) {
  return async function getRequest(input: { callerId: string; requestId: string; query?: unknown }) {
    const { purpose } = parseOrThrow(auditPurposeQuery, input.query ?? {});
    const { request, withhold } = await auditedRead(deps, input.callerId, input.requestId, { purpose });
    const view = requestView(request, await deps.requests.history(request.id));
    return withhold ? withheld(view) : view;
  };
}

/**
 * `GET /requests/{id}/history`: the append-only record (문서관리카드) — who did what, for whom,
 * when and why, across every round. Nothing in the API edits or deletes it.
 */
export function makeGetHistory(deps: ReadRequestsDeps) {
  return async function getHistory(input: { callerId: string; requestId: string; query?: unknown }) {
    const { purpose } = parseOrThrow(auditPurposeQuery, input.query ?? {});
    const { request, withhold } = await auditedRead(deps, input.callerId, input.requestId, { purpose });
    const events = await deps.requests.history(request.id);
    return {
      requestId: request.id,
      kind: request.kind,
      status: request.status,
      round: request.round,
      events: withhold ? events.map((event) => withheldEvent(event, request.requesterId)) : events,
    };
  };
}

export const requestPageQuery = z.object({
  limit: z.coerce
    .number({ error: 'limit은 숫자여야 합니다' })
    .int({ error: 'limit은 정수여야 합니다' })
    .min(1, { error: 'limit은 1 이상이어야 합니다' })
    .max(100, { error: 'limit은 100 이하여야 합니다' })
    .default(20),
  nextToken: z.string().optional(),
});

/** The caller's own requests, newest first, a page at a time. */
export function makeListRequests({ requests }: Pick<ReadRequestsDeps, 'requests'>) {
  return async function listRequests(input: { callerId: string; query: Record<string, string | undefined> }) {
    const { limit, nextToken } = parseOrThrow(requestPageQuery, input.query);
    const page = await requests.listByRequester(input.callerId, { limit, cursor: nextToken });
    return { items: page.items.map((request) => requestView(request)), nextToken: page.nextCursor ?? null };
  };
}

/**
 * `GET /requests/{id}/document`: the 결재문서 as a printable page, for the same readers as the
 * request and recorded the same way (a read of a health kind by anyone but the requester is `viewed`);
 * an auditor reads a health kind's only with `?purpose=`, recorded with the read.
 */
export function makeGetApprovalDocument(deps: ReadRequestsDeps & { policy: KindPolicies }) {
  return async function getApprovalDocument(input: { callerId: string; requestId: string; query?: unknown }): Promise<string> {
    const { purpose } = parseOrThrow(auditPurposeQuery, input.query ?? {});
    const request = await readFor(deps, input.callerId, input.requestId, { target: 'document', purpose });
    const absent = [...new Set(request.steps.flatMap((step) => (step.actingForId ? [step.actingForId] : [])))];
    const positions: Record<string, string> = {};
    for (const id of absent) {
      const person = await deps.directory.person(id);
      if (person) positions[id] = person.position;
    }
    // After 파기 the kind's own summary would name fields that are gone: the document shows what is left and why.
    const kind = request.destroyed
      ? {
          label: kindById(request.kind).label,
          sensitive: kindById(request.kind).privacy.sensitive,
          summary: [
            ...Object.entries(request.details).map(([field, value]): [string, string] => [field, String(value)]),
            ['파기', `${request.destroyed.rule} (${request.destroyed.at.slice(0, 10)})`] as [string, string],
          ],
          progress: [],
        }
      : describe(request, deps.policy);
    return approvalDocument({ request, kind, history: await deps.requests.history(request.id), positions });
  };
}
