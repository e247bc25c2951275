import * as z from 'zod';
import type { Directory } from '../directory/directory.js';
import { ForbiddenError, InvalidStateError } from '../kernel/errors.js';
import { parseOrThrow, text } from '../kernel/validation.js';
import { closedMessage } from '../notifications/slack-messages.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Chat } from '../ports/messaging.js';
import { ConcurrentChangeError, LinkUnavailableError, type RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { Workflows } from '../ports/workflows.js';
import { changeOf } from '../requests/change.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import { returnToPrevious } from '../requests/line-transitions.js';
import { describe } from '../requests/per-kind.js';
import type { Channel } from '../requests/request.js';
import { heldStepOf, makeOpenStepReader, type OpenStep, resumeOrLeaveToSweep } from './decide-step.js';
import { requestView } from './request-view.js';

export interface ReturnToPreviousDeps {
  requests: RequestStore;
  directory: Directory;
  workflows: Workflows;
  chat: Chat;
  clock: Clock;
  policy: OfficePolicy;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export const returnToPreviousBody = z.strictObject({ comment: text('전단계 반려 사유(comment)', 1000) });

/**
 * The stage a 전단계 반려 reopens: the nearest earlier one someone agreed on in this round (a stage
 * whose every step was skipped has no decision to reopen). A stage with an input (a triage
 * estimate, a vehicle) is not reopened: what followed from it (the line after a triage, a vehicle
 * held) would have to be undone — the holder returns the request (반려) instead.
 */
export function previousStageOf(request: ApprovalRequest, stage: number): { stage: number } | { refusal: string } {
  for (let candidate = stage - 1; candidate >= 0; candidate--) {
    const steps = request.steps.filter((step) => step.stage === candidate);
    if (!steps.some((step) => step.status === 'approved')) continue;
    if (steps.some((step) => step.input)) return { refusal: '입력이 필요한 단계(접수·배차)로는 전단계 반려할 수 없습니다. 반려하세요.' };
    return { stage: candidate };
  }
  return { refusal: '되돌릴 앞 단계가 없습니다. 첫 단계에서는 반려하세요.' };
}

/**
 * 전단계 반려 (`POST /approvals/{requestId}/return-to-previous`, or the link page). Primary course:
 * 1. Only the holder of a waiting step, with a reason; only when an earlier stage of the round was agreed on.
 * 2. In one transaction: that stage's agreements reopen, the current stage goes back to pending
 *    (its open links die, its agreements too: it decides again on what the earlier stage decides
 *    anew), recorded as `returned-to-previous`.
 * 3. The workflow opens the earlier stage again: its deciders get fresh links with the reason.
 */
export function makeReturnToPrevious({ requests, directory, workflows, chat, clock, policy, log }: ReturnToPreviousDeps) {
  const openStepOf = makeOpenStepReader({ requests, clock });

  async function returnOnStep(opened: OpenStep, input: { actorId: string; comment: string; channel: Channel }) {
    const { link, request, step } = opened;
    if (link.approverId !== input.actorId) throw new ForbiddenError('본인에게 온 결재가 아닙니다.');
    const previous = previousStageOf(request, step.stage);
    if ('refusal' in previous) throw new InvalidStateError(previous.refusal);
    const actor = await directory.person(input.actorId);
    const returned = returnToPrevious(request, {
      stepIndex: step.index,
      toStage: previous.stage,
      actor: { id: input.actorId, name: actor?.name ?? step.approverName },
      comment: input.comment,
      at: clock.now().toISOString(),
      channel: input.channel,
      taskToken: link.taskToken,
    });
    try {
      await requests.save(
        changeOf(request, returned, { links: { revoke: returned.revokedLinks.map((hash) => ({ hash, reason: 'returned-to-previous' as const })) } }),
      );
    } catch (error) {
      if (error instanceof ConcurrentChangeError || error instanceof LinkUnavailableError) {
        throw new InvalidStateError('요청이 방금 다른 곳에서 바뀌었습니다. 새로 고친 뒤 다시 시도하세요.');
      }
      throw error;
    }
    await resumeOrLeaveToSweep(workflows, link.taskToken, 'next', request.id, log);
    for (const hash of returned.revokedLinks) {
      const revoked = await requests.getLink(hash).catch(() => undefined);
      if (!revoked?.chatMessage) continue;
      await chat
        .update(
          revoked.chatMessage,
          closedMessage({ request: returned.request, kind: describe(request, policy), reason: '전단계 반려로 앞 단계의 결정을 다시 받고 있습니다.' }),
        )
        .catch((error: unknown) => log('Slack update failed', { requestId: request.id, error: String(error) }));
    }
    return returned.request;
  }

  return {
    async byHolder(input: { callerId: string; requestId: string; body: unknown }) {
      const { comment } = parseOrThrow(returnToPreviousBody, input.body);
      const opened = await heldStepOf(requests, openStepOf, input, '전단계 반려할 수 있는');
      return requestView(await returnOnStep(opened, { actorId: input.callerId, comment, channel: 'api' }));
    },

    /** From the email link page: the link names the step and its holder. */
    async byLink(input: { linkHash: string; comment: string; channel: Channel }) {
      const link = await requests.getLink(input.linkHash);
      if (!link) throw new InvalidStateError('결재 링크를 찾을 수 없습니다.');
      return returnOnStep(await openStepOf(link), { actorId: link.approverId, comment: input.comment, channel: input.channel });
    },
  };
}

export type ReturnToPrevious = ReturnType<typeof makeReturnToPrevious>;
