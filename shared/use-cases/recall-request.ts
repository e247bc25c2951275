import * as z from 'zod';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../kernel/errors.js';
import { parseOrThrow, text } from '../kernel/validation.js';
import { ConcurrentChangeError, type RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { Workflows } from '../ports/workflows.js';
import { changeOf } from '../requests/change.js';
import { actedOnInRound, type HistoryEvent } from '../requests/history.js';
import { type ApprovalRequest, statusLabel } from '../requests/kinds/index.js';
import { isParticipant } from '../requests/request.js';
import { closeRequest } from '../requests/round-transitions.js';
import { retryOnConcurrentChange } from './concurrent-change.js';
import { requestView } from './request-view.js';

export interface RecallRequestDeps {
  requests: RequestStore;
  workflows: Workflows;
  clock: Clock;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export const recallBody = z.object({ reason: text('회수 사유(reason)', 500).optional() }).strict();

/**
 * Someone has acted on the round: a decision still being handed to the workflow, a step decided or
 * skipped, or — what the steps no longer show — anything a holder did on record (a decision a
 * 전단계 반려 reopened, an answered 보완 요청, a 지정).
 */
const actedOn = (request: ApprovalRequest, history: readonly HistoryEvent[]) =>
  request.resumePending !== undefined ||
  request.steps.some((step) => step.status === 'approved' || step.status === 'rejected' || step.status === 'skipped') ||
  actedOnInRound(history, request.round);

/**
 * 회수 (recall): the requester takes a request back to fix it before anyone on its line has acted in
 * its current round. Primary course:
 * 1. Only the requester, only while in review, only before anyone on the line acted in the round
 *    (a decision, 보완 요청, 전단계 반려, 지정 — else 409: 철회).
 * 2. In one transaction: status recalled, open steps cancelled and their links revoked; the ledger
 *    places stay held (the claim is being corrected, not given up).
 * 3. Stop the round's workflow. Revise (PUT) and resubmit start the line again as a new round.
 */
export function makeRecallRequest({ requests, workflows, clock, log }: RecallRequestDeps) {
  return async function recallRequest(input: { callerId: string; requestId: string; body: unknown }) {
    const { reason } = parseOrThrow(recallBody, input.body ?? {});
    let recalled: ApprovalRequest;
    try {
      // Right after a submission the workflow is still writing the first stage's links: re-read and re-check.
      recalled = await retryOnConcurrentChange(() => recallOnce(input.callerId, input.requestId, reason));
    } catch (error) {
      if (error instanceof ConcurrentChangeError)
        throw new InvalidStateError('요청이 방금 다른 곳에서 처리되었습니다. 상태를 확인한 뒤 다시 시도하세요.');
      throw error;
    }
    try {
      await workflows.stop(recalled.kind, recalled.id, recalled.round, 'recalled by the requester');
    } catch (error) {
      // The recall stands: its links are revoked and the workflow's steps refuse a request no longer in review.
      log('workflow stop failed after recall', { requestId: recalled.id, error: String(error) });
    }
    return requestView(recalled);
  };

  async function recallOnce(callerId: string, requestId: string, reason: string | undefined): Promise<ApprovalRequest> {
    const request = await requests.get(requestId);
    if (!request || !isParticipant(request, callerId)) throw new NotFoundError(`요청 ${requestId}을(를) 찾을 수 없습니다.`);
    if (request.requesterId !== callerId) throw new ForbiddenError('본인이 제출한 요청만 회수할 수 있습니다.');
    if (request.status !== 'in-review') throw new InvalidStateError(`'${statusLabel(request.status)}' 상태인 요청은 회수할 수 없습니다.`);
    // Read after the request: the history is at least as new as the version the save below is guarded by.
    if (actedOn(request, await requests.history(request.id))) throw new InvalidStateError('이미 결재가 진행되어 회수할 수 없습니다. 철회하세요.');
    const closed = closeRequest(request, {
      status: 'recalled',
      at: clock.now().toISOString(),
      actor: { id: request.requesterId, name: request.requesterName },
      comment: reason,
      channel: 'api',
    });
    const revoke = closed.revokedLinks.map((hash) => ({ hash, reason: 'closed' as const }));
    // The request's version guards the check above: a decision saved meanwhile makes this fail and re-read.
    await requests.save(changeOf(request, closed, { links: revoke.length ? { revoke } : undefined }));
    return closed.request;
  }
}
