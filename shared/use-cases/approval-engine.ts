import { superiorOf } from '../approvals/approval-line.js';
import { addBusinessTime, type HolidaySource } from '../calendar/business-days.js';
import type { Directory, Person } from '../directory/directory.js';
import { seoulDate } from '../kernel/seoul-time.js';
import { type ApprovalEmailOccasion, approvalRequestEmail, stepMovedAwayEmail } from '../notifications/emails.js';
import { approvalRequestMessage, closedMessage } from '../notifications/slack-messages.js';
import { timingsFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { DelegationStore } from '../ports/delegation-store.js';
import type { Chat, Mailer } from '../ports/messaging.js';
import type { ApprovalLink, RequestStore } from '../ports/request-store.js';
import type { Clock, Ids } from '../ports/system.js';
import { changeOf } from '../requests/change.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import { type Holder, reassignStep } from '../requests/line-transitions.js';
import { describe } from '../requests/per-kind.js';
import type { ApprovalStep } from '../requests/request.js';
import { hashLinkId } from './decision-links.js';

/**
 * What every approval step needs, written once: who holds a step today (대결 applied, never the
 * requester), a single-use link with its reminder/escalation timers, the email (and, for people
 * with a Slack id, the Slack message) that carries it, and moving a waiting step to another holder
 * (deputy, escalation, reminder) on a fresh link.
 */
export interface ApprovalEngineDeps {
  requests: RequestStore;
  directory: Directory;
  delegations: DelegationStore;
  mailer: Mailer;
  /** Slack: best effort beside email; a failure is logged and never stops the step. */
  chat: Chat;
  clock: Clock;
  ids: Ids;
  policy: OfficePolicy;
  holidays: HolidaySource;
  /** Where approval links point: the public API base URL. */
  publicBaseUrl: string;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** How far a chain of delegations is followed (A→B→C); loops are refused when delegations are set. */
const MAX_DELEGATION_HOPS = 5;

export interface MintedLink {
  link: ApprovalLink;
  url: string;
}

export function makeApprovalEngine(deps: ApprovalEngineDeps) {
  const { requests, directory, delegations, mailer, chat, clock, ids, policy, holidays, publicBaseUrl, log } = deps;

  async function personOrThrow(id: string): Promise<Person> {
    const person = await directory.person(id);
    if (!person) throw new Error(`${id} is not in the directory`);
    return person;
  }

  /** The person a delegation chain ends at today, starting from `approverId`. */
  async function activeDeputyChain(approverId: string, today: string): Promise<string> {
    const visited = [approverId];
    let current = approverId;
    for (let hop = 0; hop < MAX_DELEGATION_HOPS; hop++) {
      const active = (await delegations.listFor(current)).find((delegation) => delegation.from <= today && today <= delegation.to);
      if (!active || visited.includes(active.deputyId)) break;
      current = active.deputyId;
      visited.push(current);
    }
    return current;
  }

  /**
   * Who decides for `approverId` today: themselves, or their deputy (대결) while a delegation is
   * active. A deputy who is the requester cannot decide their own request: the level above does.
   */
  async function holderFor(approverId: string, requesterId: string, depth = 0): Promise<Holder> {
    const principal = await personOrThrow(approverId);
    const holderId = await activeDeputyChain(approverId, seoulDate(clock.now()));
    if (holderId === approverId) return { id: principal.id, name: principal.name, position: principal.position };
    if (holderId === requesterId && depth < MAX_DELEGATION_HOPS) {
      const above = await superiorOf(directory, principal, [requesterId]);
      if (above) return holderFor(above.person.id, requesterId, depth + 1);
    }
    const deputy = await personOrThrow(holderId);
    return { id: deputy.id, name: deputy.name, position: deputy.position, actingFor: { id: principal.id, name: principal.name } };
  }

  /** A fresh link for a step; timers count from `openedAt` and never reach past the stage deadline. */
  function mintLink(input: {
    request: ApprovalRequest;
    step: ApprovalStep;
    holder: Holder;
    taskToken: string;
    deadline: string;
    openedAt: string;
    timersFrom: Date;
    withReminder: boolean;
    escalateAt?: string | null;
  }): MintedLink {
    const rules = timingsFor(policy, input.request);
    const { workdayStartHour } = policy.approvals;
    const beforeDeadline = (at: Date) => (at.toISOString() < input.deadline ? at.toISOString() : undefined);
    const remindAt = input.withReminder
      ? beforeDeadline(addBusinessTime(input.timersFrom, rules.remindAfter, holidays, workdayStartHour))
      : undefined;
    const escalateAt =
      input.escalateAt === undefined
        ? beforeDeadline(addBusinessTime(input.timersFrom, rules.escalateAfter, holidays, workdayStartHour))
        : (input.escalateAt ?? undefined);
    const linkId = ids.linkId();
    return {
      url: `${publicBaseUrl.replace(/\/$/, '')}/decisions/${linkId}`,
      link: {
        hash: hashLinkId(linkId),
        requestId: input.request.id,
        round: input.request.round,
        stepIndex: input.step.index,
        approverId: input.holder.id,
        actingForId: input.holder.actingFor?.id,
        taskToken: input.taskToken,
        expiresAt: input.deadline,
        openedAt: input.openedAt,
        remindAt,
        escalateAt,
        status: 'open',
      },
    };
  }

  /** The holder hears of the step: by email always, and on Slack if the directory has their Slack id. */
  async function notifyHolder(input: {
    request: ApprovalRequest;
    step: ApprovalStep;
    minted: MintedLink;
    occasion: ApprovalEmailOccasion;
    note?: string;
  }): Promise<void> {
    const holder = await personOrThrow(input.minted.link.approverId);
    if (holder.slackUserId) {
      try {
        const message = approvalRequestMessage({
          request: input.request,
          kind: describe(input.request, policy),
          step: input.step,
          linkHash: input.minted.link.hash,
          url: input.minted.url,
          expiresAt: input.minted.link.expiresAt,
          occasion: input.occasion,
          note: input.note,
        });
        await requests.setLinkChatMessage(input.minted.link.hash, await chat.post(holder.slackUserId, message));
      } catch (error) {
        log('Slack message failed; the email carries the step', { requestId: input.request.id, to: holder.id, error: String(error) });
        // On the record too, so whoever looks at a step that seems unanswered sees why Slack was silent.
        await requests
          .appendEvent(input.request.id, {
            at: clock.now().toISOString(),
            actorId: 'system',
            action: 'notice-failed',
            round: input.request.round,
            stepIndex: input.step.index,
            channel: 'slack',
            toId: holder.id,
            comment: `${holder.name}에게 Slack 알림을 보내지 못해 이메일로만 안내했습니다`,
          })
          .catch((recordError: unknown) =>
            log('could not record the failed Slack notice', { requestId: input.request.id, error: String(recordError) }),
          );
      }
    }
    await mailer.send(
      approvalRequestEmail({
        request: input.request,
        kind: describe(input.request, policy),
        step: input.step,
        approver: { name: holder.name, email: holder.email },
        link: input.minted.url,
        expiresAt: input.minted.link.expiresAt,
        occasion: input.occasion,
        note: input.note,
      }),
    );
  }

  return {
    holderFor,
    mintLink,
    notifyHolder,

    /**
     * Moves a waiting step to `holder` on a fresh link (the old one stops working), records why,
     * and emails the holder. A reminder keeps the holder and the escalation time; a re-route or an
     * escalation starts the holder's timers afresh.
     */
    async reassign(input: {
      request: ApprovalRequest;
      link: ApprovalLink;
      holder: Holder;
      action: 'rerouted' | 'escalated' | 'reminded' | 'reassigned';
      reason: string;
      rule?: string;
      /** Who moved it (지정 by its holder) and how; the workflow's own moves have none. */
      actor?: { id: string; name: string; channel: 'api' | 'email-link' };
    }): Promise<ApprovalRequest> {
      const { request, link, holder, action } = input;
      const step = request.steps[link.stepIndex];
      if (!step) throw new Error(`request ${request.id} has no step ${link.stepIndex}`);
      const now = clock.now();
      const minted = mintLink({
        request,
        step,
        holder,
        taskToken: link.taskToken,
        deadline: link.expiresAt,
        openedAt: action === 'reminded' ? link.openedAt : now.toISOString(),
        timersFrom: now,
        withReminder: action !== 'reminded',
        escalateAt: action === 'reminded' ? (link.escalateAt ?? null) : undefined,
      });
      const changed = reassignStep(request, {
        stepIndex: step.index,
        holder,
        linkHash: minted.link.hash,
        at: now.toISOString(),
        action,
        reason: input.reason,
        rule: input.rule,
        actor: input.actor,
      });
      await requests.save(
        changeOf(request, changed, {
          links: { put: [minted.link], revoke: [{ hash: link.hash, reason: action === 'reminded' ? 'replaced' : 'rerouted' }] },
        }),
      );
      const updatedStep = changed.request.steps[step.index] ?? step;
      if (action === 'escalated') {
        // The one passed over is told they need not act (their link is dead).
        const previous = await directory.person(link.approverId);
        if (previous) {
          await mailer.send(
            stepMovedAwayEmail({
              request: changed.request,
              kind: describe(request, policy),
              previous: { name: previous.name, email: previous.email },
              newHolder: `${holder.name} ${holder.position}`,
              reason: input.reason,
            }),
          );
        }
      }
      if (link.chatMessage) {
        // The old message's buttons are dead: say where the step went.
        const reason =
          action === 'reminded'
            ? '새 메시지로 다시 보냈습니다. 가장 최근 메시지에서 결정하세요.'
            : `다른 결재권자(${holder.name} ${holder.position})에게 넘어갔습니다.`;
        await chat
          .update(link.chatMessage, closedMessage({ request: changed.request, kind: describe(request, policy), reason }))
          .catch((error: unknown) => log('Slack update failed', { requestId: request.id, error: String(error) }));
      }
      await notifyHolder({
        request: changed.request,
        step: updatedStep,
        minted,
        occasion: action === 'reminded' ? 'reminder' : action,
        note: input.reason,
      });
      return changed.request;
    },
  };
}

export type ApprovalEngine = ReturnType<typeof makeApprovalEngine>;
