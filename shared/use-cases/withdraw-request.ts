import * as z from 'zod';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../kernel/errors.js';
import { parseOrThrow, text } from '../kernel/validation.js';
import { ConcurrentChangeError, type RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { Workflows } from '../ports/workflows.js';
import { type ApprovalRequest, statusLabel } from '../requests/kinds/index.js';
import { isParticipant } from '../requests/request.js';
import { endRoundAndRelease } from '../requests/round-transitions.js';
import { retryOnConcurrentChange } from './concurrent-change.js';
import { requestView } from './request-view.js';

export interface WithdrawRequestDeps {
  requests: RequestStore;
  workflows: Workflows;
  clock: Clock;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export const withdrawBody = z.object({ reason: text('철회 사유(reason)', 500).optional() }).strict();

/**
 * Primary course:
 * 1. Only the requester, only while in review or returned (반려, awaiting revision).
 * 2. In one transaction: status withdrawn, open steps cancelled, their links revoked, ledger place and any held vehicle given back.
 * 3. Stop the round's workflow if one runs (the links are already dead, so a late stop cannot let a decision through).
 */
export function makeWithdrawRequest({ requests, workflows, clock, log }: WithdrawRequestDeps) {
  return async function withdrawRequest(input: { callerId: string; requestId: string; body: unknown }) {
    const { reason } = parseOrThrow(withdrawBody, input.body ?? {});
    let withdrawn: { request: ApprovalRequest; wasReturned: boolean };
    try {
      // Right after a submission the workflow is still writing the first stage's links; the
      // withdrawal re-reads and re-checks rather than refusing the requester over that race.
      withdrawn = await retryOnConcurrentChange(() => withdrawOnce(input.callerId, input.requestId, reason));
    } catch (error) {
      if (error instanceof ConcurrentChangeError) {
        throw new InvalidStateError('요청이 방금 다른 곳에서 처리되었습니다. 상태를 확인한 뒤 다시 시도하세요.');
      }
      throw error;
    }
    const { request, wasReturned } = withdrawn;
    if (wasReturned) return requestView(request); // no workflow runs while returned
    try {
      await workflows.stop(request.kind, request.id, request.round, 'withdrawn by the requester');
    } catch (error) {
      // The withdrawal stands either way: its links are revoked and the workflow's own
      // steps refuse to touch a request that is no longer in review.
      log('workflow stop failed after withdrawal', { requestId: request.id, error: String(error) });
    }
    return requestView(request);
  };

  async function withdrawOnce(callerId: string, requestId: string, reason: string | undefined) {
    const request = await requests.get(requestId);
    if (!request || !isParticipant(request, callerId)) throw new NotFoundError(`요청 ${requestId}을(를) 찾을 수 없습니다.`);
    if (request.requesterId !== callerId) throw new ForbiddenError('본인이 제출한 요청만 철회할 수 있습니다.');
    const open = ['in-review', 'supplement-requested', 'returned', 'recalled'];
    if (!open.includes(request.status)) {
      throw new InvalidStateError(`이미 '${statusLabel(request.status)}' 상태인 요청은 철회할 수 없습니다.`);
    }
    const change = endRoundAndRelease(request, {
      status: 'withdrawn',
      at: clock.now().toISOString(),
      actor: { id: request.requesterId, name: request.requesterName },
      comment: reason,
      channel: 'api',
    });
    await requests.save(change);
    // No workflow runs while returned or recalled (one waits for the answer to a 보완 요청).
    return { request: change.request, wasReturned: request.status === 'returned' || request.status === 'recalled' };
  }
}
