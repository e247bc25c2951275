import { createHash } from 'node:crypto';
import * as z from 'zod';
import { resolveSubmittedLine } from '../approvals/approval-line.js';
import type { Directory } from '../directory/directory.js';
import { ConflictError, DuplicateClaimError, ForbiddenError, IdempotencyKeyReuseError } from '../kernel/errors.js';
import { seoulDate } from '../kernel/seoul-time.js';
import { parseOrThrow } from '../kernel/validation.js';
import { kindPolicyFor, type OfficePolicy } from '../policies/office-policy.js';
import { requestKinds } from '../requests/kinds/index.js';
import type { ApprovalRequest } from '../requests/request.js';
import { describeLine, lineSteps } from '../requests/transitions.js';
import { reserveInLedger } from './ledger-reservation.js';
import { startRoundOrFail } from './start-round.js';

/** Concurrent claims on one amount-capped ledger each re-read what is left; a few rounds settle them. */
const MAX_RESERVATION_ATTEMPTS = 8;

import {
  type Chat,
  type Clock,
  ConcurrentChangeError,
  type FleetStore,
  IdempotencyRaceError,
  type Ids,
  LedgerFullError,
  type Mailer,
  type RequestStore,
  type Workflows,
} from '../ports/ports.js';
import { noticeToHandlingUnit } from './handling-unit-notice.js';
import { type RequestView, requestView } from './request-view.js';

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
  log: (message: string, fields: Record<string, unknown>) => void;
}

export interface SubmitRequestInput {
  callerId: string;
  body: unknown;
  idempotencyKey?: string;
}

const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, { error: 'Idempotency-Key는 영문, 숫자, -, _ 로 된 128자 이내 값이어야 합니다' });

const kindField = z.object({
  kind: z.enum(Object.keys(requestKinds) as [string, ...string[]], {
    error: `요청 종류(kind)는 다음 중 하나여야 합니다: ${Object.keys(requestKinds).join(', ')}`,
  }),
});

/**
 * Primary course:
 * 1. Validate the body against its kind's schema (the requester comes from the token, never the body).
 * 2. If the Idempotency-Key was seen, return the first result (same body) or refuse (different body).
 * 3. Apply the kind's rules: dates, caps, the per-person ledger.
 * 4. Resolve the approval line from the directory and the kind's routing policy.
 * 5. Store request, ledger place, idempotency record and history in one transaction.
 * 6. Start the kind's workflow (idempotent per request id).
 * 7. An urgent request (a safety hazard) is also announced at once to its whole managing unit.
 */
export function makeSubmitRequest(deps: SubmitRequestDeps) {
  const { requests, directory, workflows, clock, ids, policy, fleet, mailer, chat, log } = deps;

  return async function submitRequest(input: SubmitRequestInput): Promise<{ request: RequestView; replayed: boolean }> {
    const { kind } = parseOrThrow(kindField, input.body);
    const definition = requestKinds[kind];
    if (!definition) throw new Error(`kind ${kind} passed validation but has no definition`);
    const { kind: _kind, ...fields } = input.body as Record<string, unknown>;
    const details = parseOrThrow(definition.detailsSchema, fields);
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
    await definition.validate?.(details, { directory, requester, fleet, policy });
    const assessment = definition.assess(details, { requester, today: seoulDate(now), now, policy });
    const id = ids.requestId(now);

    for (let attempt = 1; ; attempt++) {
      // What the claim may take in its ledger (for amount caps, what is left) decides its amount and line.
      const reservation = await reserveInLedger(requests, { personId: requester.id, kindLabel: definition.label, assessment });
      const line = await resolveSubmittedLine(kindPolicyFor(policy, kind).line, {
        requester,
        amounts: { reimbursableAmount: reservation.reimbursableAmount, amountRequested: assessment.amountRequested },
        preferredDepartments: assessment.preferredDepartments,
        handlingTeamId: assessment.handlingTeamId,
        directory,
        seed: id,
      });
      const request: ApprovalRequest = {
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
        ledger: reservation.ledger,
        effect: assessment.effect,
        ...(assessment.urgent ? { urgent: true } : {}),
        ...(assessment.handlingTeamId ? { handlingTeamId: assessment.handlingTeamId } : {}),
        round: 1,
        steps: lineSteps(line, assessment.confirmations),
        currentStage: 0,
        participants: [...new Set(line.map((step) => step.approverId))],
        createdAt: at,
        updatedAt: at,
        version: 1,
      };

      try {
        await requests.save({
          request,
          events: [
            { at, actorId: requester.id, actorName: requester.name, action: 'submitted', round: 1, channel: 'api' },
            { at, actorId: 'system', action: 'routed', round: 1, channel: 'workflow', comment: `결재선: ${describeLine(line)}` },
          ],
          ledgers: reservation.changes,
          idempotency: idempotencyKey ? { requesterId: requester.id, key: idempotencyKey, bodyHash } : undefined,
        });
      } catch (error) {
        // Another claim took the ledger meanwhile: with an amount cap, what is left may still cover part of this one.
        const raced = error instanceof ConcurrentChangeError || (error instanceof LedgerFullError && assessment.ledger?.capKrw !== undefined);
        if (raced && attempt < MAX_RESERVATION_ATTEMPTS) continue;
        if (raced) throw new ConflictError('같은 기간의 다른 청구가 동시에 처리되고 있습니다. 잠시 후 다시 제출하세요.');
        if (error instanceof LedgerFullError && assessment.ledger) {
          const { requestIds } = await requests.ledgerUsage(requester.id, assessment.ledger.key);
          throw new DuplicateClaimError(
            `${assessment.ledger.duplicateMessage ?? `${assessment.ledger.periodLabel} ${definition.label}은(는) 이미 청구하셨습니다 (1인 연 ${assessment.ledger.maxRequests}회).`} 기존 요청: ${requestIds.join(', ')}`,
          );
        }
        if (error instanceof IdempotencyRaceError && idempotencyKey) {
          const replay = await replayOf(input.callerId, idempotencyKey, bodyHash);
          if (replay) return { request: replay, replayed: true };
        }
        throw error;
      }

      await startOrFail(request);
      if (request.urgent) await noticeToHandlingUnit({ directory, mailer, chat, policy, log }, request);
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
