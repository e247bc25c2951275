import * as z from 'zod';
import type { Directory } from '../directory/directory.js';
import { InvalidStateError, NotFoundError } from '../kernel/errors.js';
import { parseOrThrow, text } from '../kernel/validation.js';
import { noticeMessage } from '../notifications/slack-messages.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Chat, Mailer } from '../ports/messaging.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { findKind } from '../requests/kinds/index.js';
import { describe } from '../requests/per-kind.js';
import { heldSteps, isParticipant } from '../requests/request.js';
import { mayRead } from './read-requests.js';
import { emailNotice } from './request-notices.js';

export interface CommentDeps {
  requests: RequestStore;
  directory: Directory;
  clock: Clock;
  mailer: Mailer;
  /** Slack, for those who have it: best effort beside the email. */
  chat: Chat;
  policy: OfficePolicy;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export const commentBody = z.strictObject({ text: text('의견(text)', 2000) });

/**
 * 의견 (`POST /requests/{id}/comments`). Primary course:
 * 1. Anyone who may read the request comments; on a health kind only its requester and the people on its line.
 * 2. The comment is an append-only history entry (`commented`), not a decision: nothing else changes.
 * 3. The requester and the holders of the current stage's steps (not the commenter) are emailed,
 *    and told on Slack if they have it — also while a 보완 요청 waits, when the holders keep their
 *    steps; for health kinds without the comment's text, which may say something about the
 *    person's health.
 */
export function makeAddComment({ requests, directory, clock, mailer, chat, policy, log }: CommentDeps) {
  return async function addComment(input: { callerId: string; requestId: string; body: unknown; channel?: 'api' | 'email-link' }) {
    const { text: comment } = parseOrThrow(commentBody, input.body);
    const request = await requests.get(input.requestId);
    const viewer = await directory.person(input.callerId);
    const sensitive = request ? findKind(request.kind)?.privacy.sensitive === true : false;
    const allowed = request && (sensitive ? isParticipant(request, input.callerId) : mayRead(request, viewer, input.callerId));
    if (!request || !allowed) throw new NotFoundError(`요청 ${input.requestId}을(를) 찾을 수 없습니다.`);
    // 파기 removed what people wrote once its retention ended; nothing new is written after it.
    if (request.destroyed) throw new InvalidStateError('보존기간이 끝나 파기된 요청에는 의견을 남길 수 없습니다.');
    // 대결: a deputy commenting on a step they hold comments for its absent approver (§22: who, for whom).
    const held = heldSteps(request).find((step) => step.approverId === input.callerId && step.actingForId);
    const event = {
      at: clock.now().toISOString(),
      actorId: input.callerId,
      actorName: viewer?.name,
      ...(held ? { actingForId: held.actingForId, actingForName: held.actingForName } : {}),
      action: 'commented' as const,
      round: request.round,
      comment,
      channel: input.channel ?? 'api',
    };
    await requests.appendEvent(request.id, event);

    const told = [request.requesterId, ...heldSteps(request).map((step) => step.approverId)].filter((id) => id !== input.callerId);
    await emailNotice({ directory, mailer, policy, log }, request, told, (sensitive) => ({
      subject: '[의견]',
      intro: `${viewer?.name ?? input.callerId}님이 의견을 남겼습니다.`,
      lines: sensitive ? [] : [['의견', comment]],
      next: sensitive ? '의견 내용은 요청 화면(GET /requests/{id})에서 확인하세요.' : undefined,
    }));
    const kind = describe(request, policy);
    for (const personId of new Set(told)) {
      const slackUserId = (await directory.person(personId))?.slackUserId;
      if (!slackUserId) continue;
      const message = noticeMessage({
        request,
        kind,
        title: `[의견] ${viewer?.name ?? input.callerId}님:`,
        // Health kinds: not the words, which may be about the person's health.
        text: kind.sensitive ? '의견 내용은 요청 화면에서 확인하세요.' : comment,
      });
      await chat
        .post(slackUserId, message)
        .catch((error: unknown) => log('Slack comment notice failed', { requestId: request.id, error: String(error) }));
    }
    return { requestId: request.id, event };
  };
}
