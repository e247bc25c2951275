import * as z from 'zod';
import type { Directory } from '../directory/directory.js';
import { AppError } from '../kernel/errors.js';
import { decidedMessage, REJECT_MODAL, rejectModal, SLACK_ACTIONS, SUPPLEMENT_MODAL, supplementModal } from '../notifications/slack-messages.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Chat } from '../ports/messaging.js';
import type { ApprovalLink, RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { kindById } from '../requests/kinds/index.js';
import { type DecideStep, makeOpenStepReader } from './decide-step.js';
import type { SupplementRequest } from './supplement.js';

export interface SlackInteractionDeps {
  requests: RequestStore;
  directory: Directory;
  chat: Chat;
  clock: Clock;
  decideStep: DecideStep;
  supplement: Pick<SupplementRequest, 'requestByLink'>;
  policy: OfficePolicy;
  log: (message: string, fields: Record<string, unknown>) => void;
}

const blockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string() }),
  trigger_id: z.string().optional(),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

const viewSubmission = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string() }),
  view: z.object({
    callback_id: z.string(),
    private_metadata: z.string(),
    state: z.object({
      values: z.record(
        z.string(),
        z.record(z.string(), z.object({ value: z.string().nullish(), selected_options: z.array(z.object({ value: z.string() })).nullish() })),
      ),
    }),
  }),
});

const interaction = z.discriminatedUnion('type', [blockActions, viewSubmission]);

/** What Slack gets back: nothing (200, the click is acknowledged), or errors to show in the modal. */
export type SlackReply = undefined | { response_action: 'errors'; errors: Record<string, string> };

/**
 * `POST /slack/interactions` (after the signature is verified): 승인 decides at once, 반려 opens a
 * modal for the required comment, and the modal's submission decides; 보완 요청 opens a modal for
 * what is asked (and which documents), whose submission asks the requester. Only the Slack user the
 * step's holder is in the directory may decide; anyone else gets a message only they see and
 * nothing changes. The decision is the same single-use one as the email link and the API.
 */
export function makeSlackInteractions({ requests, directory, chat, clock, decideStep, supplement, policy, log }: SlackInteractionDeps) {
  const openStepOf = makeOpenStepReader({ requests, clock });
  const tell = (channel: string | undefined, userId: string, text: string) =>
    channel
      ? chat.ephemeral(channel, userId, text).catch((error: unknown) => log('Slack ephemeral failed', { error: String(error) }))
      : Promise.resolve();

  /** The link a button or modal names, if the clicking Slack user holds it; otherwise why not. */
  async function linkFor(hash: string | undefined, slackUserId: string): Promise<{ link: ApprovalLink } | { refusal: string }> {
    const link = hash ? await requests.getLink(hash) : undefined;
    if (!link) return { refusal: '결재 정보를 찾을 수 없습니다.' };
    const holder = await directory.person(link.approverId);
    if (!holder || holder.slackUserId !== slackUserId) {
      return { refusal: `본인에게 온 결재가 아닙니다. 이 결재는 ${holder?.name ?? '다른 결재권자'}님이 결정합니다. 아무것도 바뀌지 않았습니다.` };
    }
    return { link };
  }

  /** After a refused click, the message shows where things stand if the step was decided meanwhile. */
  async function refreshIfDecided(link: ApprovalLink) {
    if (!link.chatMessage) return;
    const request = await requests.get(link.requestId);
    const step = request?.steps[link.stepIndex];
    if (!request || !step?.decidedAt || request.round !== link.round || (step.status !== 'approved' && step.status !== 'rejected')) return;
    const decider = step.decidedBy ? await directory.person(step.decidedBy) : undefined;
    const message = decidedMessage({
      request,
      kind: kindById(request.kind),
      step,
      decision: step.status === 'approved' ? 'approve' : 'reject',
      deciderName: decider?.name ?? step.approverName,
    });
    await chat
      .update(link.chatMessage, message)
      .catch((error: unknown) => log('Slack update failed', { requestId: request.id, error: String(error) }));
  }

  async function decide(link: ApprovalLink, decision: 'approve' | 'reject', comment?: string): Promise<{ refusal?: string }> {
    try {
      await decideStep.decide({ linkHash: link.hash, decision, comment, actorId: link.approverId, channel: 'slack' });
      return {};
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await refreshIfDecided(link);
      return { refusal: error.message };
    }
  }

  return async function handle(payload: unknown): Promise<SlackReply> {
    const parsed = interaction.safeParse(payload);
    if (!parsed.success) {
      log('Slack interaction of a kind this app does not handle', { issues: parsed.error.issues.length });
      return undefined;
    }
    const event = parsed.data;
    if (event.type === 'block_actions') {
      const [action] = event.actions;
      const channel = event.channel?.id ?? event.container?.channel_id;
      if (!action || action.action_id === SLACK_ACTIONS.open) return undefined; // a URL button: Slack opens the page
      const found = await linkFor(action.value, event.user.id);
      if ('refusal' in found) {
        await tell(channel, event.user.id, found.refusal);
        return undefined;
      }
      if (action.action_id === SLACK_ACTIONS.approve) {
        const { refusal } = await decide(found.link, 'approve');
        if (refusal) await tell(channel, event.user.id, refusal);
        return undefined;
      }
      if ((action.action_id === SLACK_ACTIONS.reject || action.action_id === SLACK_ACTIONS.supplement) && event.trigger_id) {
        // Only a step that can still be decided gets the modal; otherwise say why, as the link page would.
        try {
          const { request } = await openStepOf(found.link);
          const kind = kindById(request.kind);
          const title = `${kind.label} — ${request.requesterName} (${request.id})`;
          const documentTypes = Object.entries(kindPolicyFor(policy, request.kind).documents.types)
            .filter(([, type]) => !type.attachedAt)
            .map(([id, type]) => ({ id, label: type.label }));
          await chat.openModal(
            event.trigger_id,
            action.action_id === SLACK_ACTIONS.reject
              ? rejectModal(found.link.hash, title)
              : supplementModal({ linkHash: found.link.hash, title, documentTypes, sensitive: kind.privacy.sensitive }),
          );
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          await refreshIfDecided(found.link);
          await tell(channel, event.user.id, error.message);
        }
      }
      return undefined;
    }
    if (event.view.callback_id !== REJECT_MODAL && event.view.callback_id !== SUPPLEMENT_MODAL) return undefined;
    const found = await linkFor(event.view.private_metadata, event.user.id);
    if ('refusal' in found) return { response_action: 'errors', errors: { comment: found.refusal } };
    const comment = event.view.state.values['comment']?.['value']?.value ?? '';
    if (event.view.callback_id === SUPPLEMENT_MODAL) {
      if (!comment.trim()) return { response_action: 'errors', errors: { comment: '보완 요청 내용을 입력하세요' } };
      const documentTypes = event.view.state.values['documents']?.['value']?.selected_options?.map((option) => option.value);
      try {
        await supplement.requestByLink({ linkHash: found.link.hash, comment, documentTypes, channel: 'slack' });
        return undefined;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        await refreshIfDecided(found.link);
        return { response_action: 'errors', errors: { comment: error.message } };
      }
    }
    if (!comment.trim()) return { response_action: 'errors', errors: { comment: '반려할 때는 의견을 반드시 입력해야 합니다' } };
    const { refusal } = await decide(found.link, 'reject', comment);
    return refusal ? { response_action: 'errors', errors: { comment: refusal } } : undefined;
  };
}
