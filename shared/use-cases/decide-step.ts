import * as z from 'zod';
import { resolveDeferredStages } from '../approvals/approval-line.js';
import type { Directory } from '../directory/directory.js';
import { AlreadyDecidedError, ConflictError, InvalidStateError, LinkExpiredError, NotFoundError, ValidationError } from '../kernel/errors.js';
import { formatSeoulDateTime } from '../kernel/seoul-time.js';
import { parseOrThrow } from '../kernel/validation.js';
import { afterTheFactReportEmail } from '../notifications/emails.js';
import { decidedMessage } from '../notifications/slack-messages.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import { type AttachmentStore, AttachmentTakenError } from '../ports/attachment-store.js';
import type { DocumentFiles } from '../ports/document-files.js';
import { CalendarChangedError, type CalendarHold, type FleetStore } from '../ports/fleet-store.js';
import type { Chat, Mailer } from '../ports/messaging.js';
import { type ApprovalLink, ConcurrentChangeError, LinkUnavailableError, type RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { Workflows } from '../ports/workflows.js';
import { changeOf } from '../requests/change.js';
import type { HistoryEvent } from '../requests/history.js';
import { type ApprovalRequest, statusLabel } from '../requests/kinds/index.js';
import { extendLine, recordDecision, type StageOutcome } from '../requests/line-transitions.js';
import { describe, inputDocumentsField, prepareInput } from '../requests/per-kind.js';
import { type ApprovalStep, type Channel, type Decision, decisionSchema, isParticipant } from '../requests/request.js';
import { attachmentIdsSchema, type PreparedAttachments, prepareAttachments } from './attachments.js';

/**
 * One decision on one step, whichever way it arrives (email link, API, Slack): the same checks,
 * the same single-use link consumed in the same transaction as the decision. Whoever comes
 * second gets "already decided" (409), never a second decision.
 */
export interface DecideStepDeps {
  requests: RequestStore;
  directory: Directory;
  workflows: Workflows;
  mailer: Mailer;
  /** The step's Slack message is updated once it is decided, whichever way the decision came. */
  chat: Chat;
  clock: Clock;
  policy: OfficePolicy;
  /** Read by input steps that assign a vehicle. */
  fleet: FleetStore;
  /**
   * Where documents a holder attaches with an input (a repair's quotes) are checked and bound; a
   * channel without it (the link page, Slack) refuses such files and says to use the API.
   */
  documents?: { attachments: AttachmentStore; files: DocumentFiles };
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** A decided stage is saved with what its workflow must be told, so the sweep can tell it if this call fails. */
export function withResume<T extends { request: ApprovalRequest; outcome: StageOutcome }>(decided: T, taskToken: string, at: string): T {
  if (decided.outcome === 'waiting') return decided;
  return { ...decided, request: { ...decided.request, resumePending: { taskToken, outcome: decided.outcome, since: at } } };
}

/**
 * Tells the workflow the stage is decided. The decision is already saved (with `resumePending`),
 * so a failure here is not the person's problem: it is logged and the timer sweep retries.
 */
export async function resumeOrLeaveToSweep(
  workflows: Workflows,
  taskToken: string,
  outcome: Exclude<StageOutcome, 'waiting'>,
  requestId: string,
  log: (message: string, fields: Record<string, unknown>) => void,
): Promise<void> {
  try {
    await workflows.resume(taskToken, { outcome });
  } catch (error) {
    log('resume failed after the decision was saved; the timer sweep retries', { requestId, error: String(error) });
  }
}

export const decisionForm = z
  .object({
    decision: z.enum(decisionSchema.options, { error: '승인(approve) 또는 반려(reject)를 선택하세요' }),
    comment: z.string().max(1000, { error: '의견은 1000자 이내로 입력하세요' }).optional(),
  })
  .superRefine((form, ctx) => {
    if (form.decision === 'reject' && !form.comment?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: '반려할 때는 의견을 반드시 입력해야 합니다' });
    }
  });

export class LinkReplacedError extends LinkExpiredError {}
export class StepReroutedError extends ConflictError {}

export interface OpenStep {
  link: ApprovalLink;
  request: ApprovalRequest;
  step: ApprovalStep;
}

/**
 * Parallel approvers deciding at the same instant each retry on the fresh request; three rounds is
 * plenty. Vehicle assignments racing for the same calendar days may need more: each round one of
 * them wins, the others re-read and pick again.
 */
const MAX_ATTEMPTS = 4;
const MAX_INPUT_ATTEMPTS = 12;
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * Math.min(attempt, 6)));

/** Reads whether a link can still decide; shared by the confirmation page and every way of deciding. */
export function makeOpenStepReader({ requests, clock }: Pick<DecideStepDeps, 'requests' | 'clock'>) {
  /**
   * What took a re-routed link's step from its holder, as the record has it: the first move of the
   * step away from them after the link was opened — a 지정 by its holder, or 대결 or escalation.
   */
  async function moveOf(link: ApprovalLink): Promise<HistoryEvent | undefined> {
    const moves = new Set(['reassigned', 'rerouted', 'escalated']);
    return (await requests.history(link.requestId)).find(
      (event) =>
        moves.has(event.action) &&
        event.round === link.round &&
        event.stepIndex === link.stepIndex &&
        event.fromId === link.approverId &&
        event.at >= link.openedAt,
    );
  }

  /** The link's step, if it can still be decided; otherwise the error that says why not, in Korean. */
  return async function openStepOf(link: ApprovalLink): Promise<OpenStep> {
    const request = await requests.get(link.requestId);
    if (!request) throw new InvalidStateError('요청을 찾을 수 없습니다.');
    const step = request.steps[link.stepIndex];
    if (link.status === 'used' || (request.round === link.round && step?.decidedAt)) {
      const decided = step?.decidedAt
        ? `${step.approverName}님이 ${formatSeoulDateTime(step.decidedAt)}에 ${step.status === 'rejected' ? '반려' : '승인'}했습니다.`
        : '';
      throw new AlreadyDecidedError(`이미 처리된 결재입니다. ${decided}`.trim());
    }
    if (link.status === 'revoked' && link.revokedReason === 'replaced') {
      throw new LinkReplacedError('이 링크는 새로 발송된 링크로 대체되었습니다. 가장 최근에 받은 메일의 링크를 사용하세요.');
    }
    if (link.status === 'revoked' && link.revokedReason === 'rerouted') {
      const holder = `${step?.approverName ?? '-'} ${step?.approverPosition ?? ''}`.trim();
      if ((await moveOf(link))?.action === 'reassigned') {
        throw new StepReroutedError(`이 결재는 동료 직원에게 넘겨졌습니다(지정). 현재 담당자: ${holder}`);
      }
      throw new StepReroutedError(`이 결재는 다른 결재권자에게 넘어갔습니다(대결 또는 상위자 이관). 현재 결재권자: ${holder}`);
    }
    if (link.status === 'revoked' && link.revokedReason === 'supplement' && request.status === 'supplement-requested') {
      throw new InvalidStateError('요청자에게 보완을 요청한 상태입니다. 요청자가 보완하면 새 결재 링크를 보내 드립니다.');
    }
    if (link.status === 'revoked' && link.revokedReason === 'supplement') {
      throw new LinkReplacedError('보완된 요청에 대해 새 링크가 발송되었습니다. 가장 최근에 받은 메일의 링크를 사용하세요.');
    }
    if (link.status === 'revoked' && link.revokedReason === 'returned-to-previous') {
      throw new StepReroutedError('전단계 반려로 앞 단계의 결정을 다시 받고 있습니다. 그 결정이 끝나면 새 결재 링크를 보내 드립니다.');
    }
    if (!step || link.status === 'revoked' || request.status !== 'in-review' || request.round !== link.round || step.stage !== request.currentStage) {
      throw new InvalidStateError(`더 이상 결정할 수 없는 요청입니다 (현재 상태: ${statusLabel(request.status)}).`);
    }
    if (link.expiresAt <= clock.now().toISOString()) {
      throw new LinkExpiredError(`결재 기한(${formatSeoulDateTime(link.expiresAt)})이 지났습니다. 요청자에게 다시 상신을 요청하세요.`);
    }
    return { link, request, step };
  };
}

/**
 * The caller's own waiting step of a request, with its open link, for an action its holder takes
 * through the API (보완 요청, 전단계 반려): 404 if the caller is not on the request, 409 (saying
 * `what` cannot be done now) if they hold no step that is waiting.
 */
export async function heldStepOf(
  requests: RequestStore,
  openStepOf: (link: ApprovalLink) => Promise<OpenStep>,
  input: { callerId: string; requestId: string },
  what: string,
): Promise<OpenStep> {
  const request = await requests.get(input.requestId);
  if (!request || !isParticipant(request, input.callerId)) throw new NotFoundError(`요청 ${input.requestId}을(를) 찾을 수 없습니다.`);
  const step =
    request.status === 'in-review'
      ? request.steps.find((candidate) => candidate.status === 'waiting' && candidate.approverId === input.callerId && candidate.openLinkHash)
      : undefined;
  const link = step?.openLinkHash ? await requests.getLink(step.openLinkHash) : undefined;
  if (!link) throw new InvalidStateError(`지금 ${what} 결재가 없습니다 (현재 상태: ${statusLabel(request.status)}).`);
  return openStepOf(link);
}

export function makeDecideStep({ requests, directory, workflows, mailer, chat, clock, policy, fleet, documents, log }: DecideStepDeps) {
  const openStepOf = makeOpenStepReader({ requests, clock });

  /**
   * An agreement on an input step: the input checked and applied, and the stages that depend on it
   * (전결 by estimate) resolved and appended, all to be saved with the decision.
   */
  async function withInput(
    request: ApprovalRequest,
    step: ApprovalStep,
    raw: Record<string, unknown>,
    actor: { id: string; name: string },
    at: string,
    attempt: number,
  ): Promise<{
    request: ApprovalRequest;
    events: HistoryEvent[];
    hold?: CalendarHold[];
    record?: Record<string, unknown>;
    documents?: PreparedAttachments;
  }> {
    if (!step.input) return { request, events: [] };
    const added = await attachedWithInput(request, step, raw, actor, at);
    const attached = [...(request.attachments ?? []), ...(added?.refs ?? [])];
    const input = await prepareInput(request, { step, name: step.input, raw, actor, at, attempt, attached }, { policy, fleet, clock });
    const prepared = { ...input, documents: added, request: attached.length ? { ...input.request, attachments: attached } : input.request };
    if (prepared.request.steps.some((other) => other.stage > step.stage)) return { ...prepared, events: [] };
    const requester = await directory.person(request.requesterId);
    if (!requester) throw new InvalidStateError('요청자가 직원 명부에 없어 결재선을 정할 수 없습니다.');
    const rest = await resolveDeferredStages(
      kindPolicyFor(policy, request.kind).line,
      {
        requester,
        amounts: {
          estimateKrw: prepared.amounts?.estimateKrw,
          reimbursableAmount: request.reimbursableAmount,
          amountRequested: request.amountRequested,
        },
        handlingTeamId: request.handlingTeamId,
        directory,
        seed: `${request.id}#${request.round}`,
      },
      step.stage + 1,
    );
    const extended = extendLine(prepared.request, rest, at);
    return { request: extended.request, events: extended.events, hold: prepared.hold, record: prepared.record, documents: added };
  }

  /** The documents the holder attaches with the input (a repair's quotes), checked as a submission's are. */
  async function attachedWithInput(
    request: ApprovalRequest,
    step: ApprovalStep,
    raw: Record<string, unknown>,
    actor: { id: string; name: string },
    at: string,
  ): Promise<PreparedAttachments | undefined> {
    const field = step.input ? inputDocumentsField(request.kind, step.input) : undefined;
    if (!field || raw[field] === undefined || raw[field] === '') return undefined;
    if (!documents) {
      throw new ValidationError('파일은 이 화면에서 첨부할 수 없습니다. API(POST /approvals/{requestId}/decision)로 첨부해 결정하세요.', [
        { path: field, message: '파일 첨부는 API로만 할 수 있습니다' },
      ]);
    }
    const ids = parseOrThrow(attachmentIdsSchema, raw[field], [field]);
    return prepareAttachments(
      { ...documents, policy },
      {
        kind: request.kind,
        ids,
        uploader: actor,
        requestId: request.id,
        round: request.round,
        at,
        existing: request.attachments,
        attachedAt: step.input,
        field,
      },
    );
  }

  async function reportToPrincipal(request: ApprovalRequest, step: ApprovalStep, deputyName: string) {
    if (!step.actingForId) return;
    const principal = await directory.person(step.actingForId);
    if (!principal) return;
    await mailer.send(
      afterTheFactReportEmail({
        request,
        kind: describe(request, policy),
        step,
        principal: { name: principal.name, email: principal.email },
        deputyName,
      }),
    );
  }

  return {
    /**
     * Primary course:
     * 1. Check the link can still decide (open, this round, current stage, before the deadline) and the actor holds it.
     * 2. In one transaction: consume the link, record the decision (전결/대결 marked), revoke the stage's
     *    other links if it was a rejection.
     * 3. If the stage is decided, hand its outcome to the waiting workflow.
     * 4. 대결: report to the absent approver afterwards (사후 보고).
     */
    async decide(input: {
      linkHash: string;
      decision: Decision;
      comment?: string;
      actorId: string;
      channel: Channel;
      /** The input step's fields (estimate, vehicle), as the form or the API sent them. */
      fields?: Record<string, unknown>;
    }) {
      for (let attempt = 1; ; attempt++) {
        const link = await requests.getLink(input.linkHash);
        if (!link) throw new InvalidStateError('결재 링크를 찾을 수 없습니다.');
        const { request: current, step } = await openStepOf(link);
        if (link.approverId !== input.actorId) throw new StepReroutedError('본인에게 온 결재가 아닙니다.');
        const actor = await directory.person(input.actorId);
        const at = clock.now().toISOString();
        const actorRef = { id: input.actorId, name: actor?.name ?? step.approverName };
        const applied =
          input.decision === 'approve' ? await withInput(current, step, input.fields ?? {}, actorRef, at, attempt) : { request: current, events: [] };
        const request = applied.request;
        const recorded = recordDecision(request, {
          stepIndex: step.index,
          decision: input.decision,
          comment: input.comment?.trim() ? input.comment : undefined,
          actor: { id: input.actorId, name: actor?.name ?? step.approverName },
          at,
          channel: input.channel,
          rejection: kindPolicyFor(policy, request.kind).rejection,
        });
        const decided = withResume(recorded, link.taskToken, at);
        const events = [
          ...decided.events.map((event) => (applied.record && event.action === 'decided' ? { ...event, input: applied.record } : event)),
          ...applied.events,
        ];
        try {
          await applied.documents?.keep();
          await requests.save(
            changeOf(
              current,
              { request: decided.request, events },
              {
                attachments: applied.documents?.bindings,
                calendar: applied.hold ? { hold: applied.hold } : undefined,
                links: {
                  consume: { hash: link.hash, at, decision: input.decision },
                  revoke: decided.revokedLinks.map((hash) => ({ hash, reason: 'closed' as const })),
                },
              },
            ),
          );
        } catch (error) {
          const calendar = error instanceof CalendarChangedError || (error instanceof ConcurrentChangeError && applied.hold !== undefined);
          if (calendar && attempt < MAX_INPUT_ATTEMPTS) {
            await backoff(attempt); // another assignment took a day first: read the calendar again and choose again
            continue;
          }
          if (calendar) throw new ConflictError('같은 차량에 배차가 동시에 몰려 처리하지 못했습니다. 잠시 후 다시 시도하세요.');
          if (error instanceof AttachmentTakenError) {
            throw new ValidationError('첨부 파일 중 방금 다른 요청에 첨부된 것이 있습니다.', [
              { path: 'attachments', message: '이미 다른 요청에 첨부된 파일입니다' },
            ]);
          }
          const raced = error instanceof LinkUnavailableError || error instanceof ConcurrentChangeError;
          if (raced && attempt < MAX_ATTEMPTS) continue; // re-read: either a parallel step moved on, or this one is decided
          if (raced) throw new AlreadyDecidedError('요청이 방금 다른 곳에서 처리되었습니다. 새로 고쳐 상태를 확인하세요.');
          throw error;
        }
        if (decided.outcome !== 'waiting') await resumeOrLeaveToSweep(workflows, link.taskToken, decided.outcome, request.id, log);
        const decidedStep = decided.request.steps[step.index] ?? step;
        if (link.chatMessage) {
          const message = decidedMessage({
            request: decided.request,
            kind: describe(request, policy),
            step: decidedStep,
            decision: input.decision,
            deciderName: actorRef.name,
          });
          await chat
            .update(link.chatMessage, message)
            .catch((error: unknown) => log('Slack update failed after the decision', { requestId: request.id, error: String(error) }));
        }
        await reportToPrincipal(decided.request, decidedStep, actor?.name ?? step.approverName);
        return { request: decided.request, step: decidedStep, decision: input.decision };
      }
    },
  };
}

export type DecideStep = ReturnType<typeof makeDecideStep>;
