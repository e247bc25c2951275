import { createHash } from 'node:crypto';
import * as z from 'zod';
import { resolveSubmittedLine } from '../approvals/approval-line.js';
import type { Directory } from '../directory/directory.js';
import { ConflictError, DuplicateClaimError, ForbiddenError, IdempotencyKeyReuseError, ValidationError } from '../kernel/errors.js';
import { seoulDate } from '../kernel/seoul-time.js';
import { invalidInput, parseOrThrow, toFieldIssues } from '../kernel/validation.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import { type OfficePolicy, policyVersion } from '../policies/office-policy.js';
import { type AttachmentStore, AttachmentTakenError } from '../ports/attachment-store.js';
import type { DocumentFiles } from '../ports/document-files.js';
import type { FleetStore } from '../ports/fleet-store.js';
import type { Chat, Mailer } from '../ports/messaging.js';
import { ConcurrentChangeError, IdempotencyRaceError, LedgerFullError, type RequestStore } from '../ports/request-store.js';
import type { Clock, Ids } from '../ports/system.js';
import type { Workflows } from '../ports/workflows.js';
import { changeOf } from '../requests/change.js';
import { circulationEntry } from '../requests/circulation-transitions.js';
import { type ApprovalRequest, kindById, kindIds } from '../requests/kinds/index.js';
import { assessSubmission, submittedDetails } from '../requests/per-kind.js';
import { submitted } from '../requests/round-transitions.js';
import { attachmentIdsSchema, documentCase, prepareAttachments, requireDocuments } from './attachments.js';
import { ccIdsSchema, copiedReaders, tellReaders } from './circulation.js';
import { noticeToHandlingUnit } from './handling-unit-notice.js';
import { duplicateMessage, reserveInLedgers } from './ledger-reservation.js';
import { type RequestView, requestView } from './request-view.js';
import { startRoundOrFail } from './start-round.js';

/** Concurrent claims on one amount-capped ledger each re-read what is left; a few rounds settle them. */
const MAX_RESERVATION_ATTEMPTS = 8;

export interface SubmitRequestDeps {
  requests: RequestStore;
  directory: Directory;
  workflows: Workflows;
  clock: Clock;
  ids: Ids;
  policy: OfficePolicy;
  fleet: FleetStore;
  mailer: Mailer;
  chat: Chat;
  attachments: AttachmentStore;
  files: DocumentFiles;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export interface SubmitRequestInput {
  callerId: string;
  body: unknown;
  idempotencyKey?: string;
}

export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, { error: 'Idempotency-Key는 영문, 숫자, -, _ 로 된 128자 이내 값이어야 합니다' });

const submission = z.looseObject({
  kind: z.enum(kindIds, { error: `요청 종류(kind)는 다음 중 하나여야 합니다: ${kindIds.join(', ')}` }),
  /** Uploads (POST /attachments) the request rests on; the kind's required documents among them. */
  attachments: attachmentIdsSchema.optional(),
  /** Colleagues copied (참조), where the kind allows it. */
  ccIds: ccIdsSchema.optional(),
});

/**
 * Primary course:
 * 1. Validate the body against its kind's schema (the requester comes from the token, never the body).
 * 2. If the Idempotency-Key was seen, return the first result (same body) or refuse (different body).
 * 3. Apply the kind's rules: dates, caps, the per-person ledger.
 * 4. Check the documents: each upload the caller's, unbound, as declared; the kind's required ones there.
 * 5. Resolve the approval line from the directory and the kind's routing policy.
 * 6. Store request, ledger place, idempotency record, history, the documents' binding and the copies' (참조) list entries in one transaction.
 * 7. Start the kind's workflow (idempotent per request id).
 * 8. An urgent request (a safety hazard) is also announced at once to its whole managing unit; the copied colleagues are told.
 */
export function makeSubmitRequest(deps: SubmitRequestDeps) {
  const { requests, directory, workflows, clock, ids, policy, fleet, mailer, chat, log } = deps;

  return async function submitRequest(input: SubmitRequestInput): Promise<{ request: RequestView; replayed: boolean }> {
    const { kind, attachments: attachmentIds = [], ccIds = [], ...fields } = parseOrThrow(submission, input.body);
    const parsed = submittedDetails(kind, fields);
    if (!parsed.success) throw invalidInput(toFieldIssues(parsed.error));
    const details = parsed.data;
    const label = kindById(kind).label;
    const idempotencyKey =
      input.idempotencyKey === undefined ? undefined : parseOrThrow(idempotencyKeySchema, input.idempotencyKey, ['Idempotency-Key']);
    const bodyHash = hashBody(input.body);

    if (idempotencyKey) {
      const replay = await replayOf(input.callerId, idempotencyKey, bodyHash);
      if (replay) return { request: replay, replayed: true };
    }

    const requester = await directory.person(input.callerId);
    if (!requester) throw new ForbiddenError('직원 명부에 없는 사용자입니다. 총무과 인사팀에 문의하세요.');

    const now = clock.now();
    const at = now.toISOString();
    const assessment = await assessSubmission(kind, details, { directory, requester, fleet, policy, now, today: seoulDate(now) });
    // A capped ledger that fills up may still cover part of the claim on a fresh read; a full count is final.
    const capped = new Set((assessment.ledgers ?? []).flatMap((claim) => (claim.capKrw === undefined ? [] : [claim.key])));
    const id = ids.requestId(now);
    const copied = await copiedReaders(deps, { kind, requesterId: requester.id, ccIds, at });
    const documents = await prepareAttachments(deps, { kind, ids: attachmentIds, uploader: requester, requestId: id, round: 1, at });
    const situation = await documentCase(deps, { kind, details, personId: requester.id, ledgerKey: assessment.ledgers?.[0]?.key });
    requireDocuments(policy, kind, documents.refs, situation);
    await documents.keep();

    for (let attempt = 1; ; attempt++) {
      // What the claim may take in its ledger (for amount caps, what is left) decides its amount and line.
      const reservation = await reserveInLedgers(requests, { personId: requester.id, kindLabel: label, assessment });
      const line = await resolveSubmittedLine(kindPolicyFor(policy, kind).line, {
        requester,
        amounts: { reimbursableAmount: reservation.reimbursableAmount, amountRequested: assessment.amountRequested },
        preferredDepartments: assessment.preferredDepartments,
        handlingTeamId: assessment.handlingTeamId,
        directory,
        seed: id,
      });
      const created = submitted({
        id,
        kind,
        details,
        requester,
        assessment,
        reservation,
        line,
        at,
        attachments: documents.refs,
        readers: copied,
        policyVersion: policyVersion(policy),
      });
      const { request } = created;
      try {
        await requests.save(
          changeOf(undefined, created, {
            ledgers: reservation.changes,
            idempotency: idempotencyKey ? { requesterId: requester.id, key: idempotencyKey, bodyHash } : undefined,
            attachments: documents.bindings,
            circulation: copied.length ? { put: copied.map((reader) => circulationEntry(request, reader)) } : undefined,
          }),
        );
      } catch (error) {
        // Another claim took a capped ledger meanwhile: what is left may still cover part of this one.
        const raced = error instanceof ConcurrentChangeError || (error instanceof LedgerFullError && capped.has(error.key));
        if (raced && attempt < MAX_RESERVATION_ATTEMPTS) continue;
        if (raced) throw new ConflictError('같은 기간의 다른 청구가 동시에 처리되고 있습니다. 잠시 후 다시 제출하세요.');
        if (error instanceof LedgerFullError) {
          const { requestIds } = await requests.ledgerUsage(requester.id, error.key);
          const claim = assessment.ledgers?.find((candidate) => candidate.key === error.key);
          throw new DuplicateClaimError(`${duplicateMessage(claim, label)} 기존 요청: ${requestIds.join(', ')}`);
        }
        if (error instanceof AttachmentTakenError)
          throw new ValidationError('첨부 파일 중 방금 다른 요청에 첨부된 것이 있습니다. 다시 올려 제출하세요.', [
            { path: 'attachments', message: '이미 다른 요청에 첨부된 파일입니다' },
          ]);
        if (error instanceof IdempotencyRaceError && idempotencyKey) {
          const replay = await replayOf(input.callerId, idempotencyKey, bodyHash);
          if (replay) return { request: replay, replayed: true };
        }
        throw error;
      }

      await startOrFail(request);
      if (request.urgent) await noticeToHandlingUnit({ directory, mailer, chat, policy, log }, request);
      await tellReaders({ directory, mailer, policy, log }, request, copied);
      return { request: requestView(request), replayed: false };
    }
  };

  async function replayOf(callerId: string, key: string, bodyHash: string): Promise<RequestView | undefined> {
    const seen = await requests.findIdempotent(callerId, key);
    if (!seen) return undefined;
    if (seen.bodyHash !== bodyHash) {
      throw new IdempotencyKeyReuseError('같은 Idempotency-Key로 다른 내용이 제출되었습니다. 새 요청에는 새 키를 사용하세요.');
    }
    const request = await requests.get(seen.requestId);
    if (!request) throw new Error(`idempotency record points at missing request ${seen.requestId}`);
    // The first attempt may have stored the request but failed to start its workflow.
    if (request.status === 'in-review') await workflows.start(request.kind, request.id, request.round);
    return requestView(request);
  }

  async function startOrFail(request: ApprovalRequest): Promise<void> {
    await startRoundOrFail({ requests, workflows, clock }, request);
  }
}

/** Canonical JSON (sorted keys), so a retry with reordered fields is still the same body. */
function hashBody(body: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}
