import * as z from 'zod';
import { addBusinessTime, type HolidaySource } from '../calendar/business-days.js';
import type { Directory } from '../directory/directory.js';
import { documentLabel } from '../documents/document-labels.js';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../kernel/errors.js';
import { formatSeoulDateTime } from '../kernel/seoul-time.js';
import { invalidInput, parseOrThrow, text } from '../kernel/validation.js';
import { closedMessage } from '../notifications/slack-messages.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Chat, Mailer } from '../ports/messaging.js';
import { type ApprovalLink, ConcurrentChangeError, LinkUnavailableError, type RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { Workflows } from '../ports/workflows.js';
import { changeOf } from '../requests/change.js';
import { type ApprovalRequest, statusLabel } from '../requests/kinds/index.js';
import { requestSupplement, supplementAnswered, supplementExpired, supplementReminded } from '../requests/line-transitions.js';
import { describe } from '../requests/per-kind.js';
import { type Channel, isParticipant } from '../requests/request.js';
import { attachmentIdsSchema } from './attachments.js';
import { heldStepOf, makeOpenStepReader, type OpenStep, resumeOrLeaveToSweep } from './decide-step.js';
import { emailNotice } from './request-notices.js';
import { requestView } from './request-view.js';
import { prepareRevision, type ReviseRequestDeps, saveRevision } from './revise-request.js';

export interface SupplementRequestDeps {
  requests: RequestStore;
  directory: Directory;
  workflows: Workflows;
  mailer: Mailer;
  chat: Chat;
  clock: Clock;
  policy: OfficePolicy;
  holidays: HolidaySource;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** The answer revises the request's content as a revision does, with its documents. */
export interface SupplementAnswerDeps extends ReviseRequestDeps {
  workflows: Workflows;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** What a holder asks for: why (required) and, optionally, which of the kind's documents. */
export const supplementRequestBody = z.strictObject({
  comment: text('보완 요청 내용(comment)', 1000),
  documentTypes: z
    .array(z.string().max(60), { error: '요청할 서류(documentTypes)는 서류 종류의 배열이어야 합니다' })
    .max(10, { error: '요청할 서류는 10종류까지입니다' })
    .optional(),
});

/** The requester's answer: what they say (required), new documents, and fields they change. */
export const supplementAnswerBody = z.strictObject({
  comment: text('보완 내용(comment)', 1000),
  attachments: attachmentIdsSchema.optional(),
  details: z.record(z.string(), z.unknown(), { error: '바꿀 내용(details)은 필드 이름과 값의 객체여야 합니다' }).optional(),
});

const raced = (error: unknown) =>
  error instanceof ConcurrentChangeError || error instanceof LinkUnavailableError
    ? new InvalidStateError('요청이 방금 다른 곳에서 바뀌었습니다. 새로 고친 뒤 다시 시도하세요.')
    : error;

/**
 * 보완 요청. The holder of a waiting step asks the requester for a document or a correction; the
 * request waits (its links dead, its stage deadline paused) until the requester answers — then the
 * same stage continues, no new round — or until the answer period ends, when it returns (반려) with
 * that reason.
 */
export function makeSupplementRequest(deps: SupplementRequestDeps) {
  const { requests, directory, workflows, mailer, chat, clock, policy, holidays, log } = deps;
  const openStepOf = makeOpenStepReader({ requests, clock });
  const rules = () => policy.approvals.supplement;

  /** The document types a kind's requester can be asked for (not those a step attaches); refused by index otherwise. */
  function checkDocumentTypes(request: ApprovalRequest, documentTypes: string[] | undefined): void {
    const types = kindPolicyFor(policy, request.kind).documents.types;
    const askable = Object.entries(types).filter(([, type]) => !type.attachedAt);
    const issues = (documentTypes ?? []).flatMap((type, index) =>
      Object.hasOwn(types, type) && !types[type]?.attachedAt
        ? []
        : [
            {
              path: `documentTypes.${index}`,
              message: askable.length
                ? `요청할 수 있는 서류는 다음 중 하나입니다: ${askable.map(([id, declared]) => `${id}(${declared.label})`).join(', ')}`
                : '이 종류의 요청에는 요청할 수 있는 서류가 없습니다',
            },
          ],
    );
    if (issues.length) throw invalidInput(issues);
  }

  async function ask(opened: OpenStep, input: { actorId: string; comment: string; documentTypes?: string[]; channel: Channel }) {
    const { link, request, step } = opened;
    if (link.approverId !== input.actorId) throw new ForbiddenError('본인에게 온 결재가 아닙니다.');
    checkDocumentTypes(request, input.documentTypes);
    const actor = await directory.person(input.actorId);
    const now = clock.now();
    const { answerBusinessDays, remindBusinessDaysBefore } = rules();
    const { workdayStartHour } = policy.approvals;
    const answerBy = addBusinessTime(now, { businessDays: answerBusinessDays }, holidays, workdayStartHour).toISOString();
    const remindAt =
      remindBusinessDaysBefore > 0 && remindBusinessDaysBefore < answerBusinessDays
        ? addBusinessTime(now, { businessDays: answerBusinessDays - remindBusinessDaysBefore }, holidays, workdayStartHour).toISOString()
        : undefined;
    const documentTypes = input.documentTypes ? [...new Set(input.documentTypes)] : undefined;
    const asked = requestSupplement(request, {
      stepIndex: step.index,
      actor: { id: input.actorId, name: actor?.name ?? step.approverName },
      comment: input.comment,
      documentTypes,
      at: now.toISOString(),
      channel: input.channel,
      taskToken: link.taskToken,
      answerBy,
      remindAt,
    });
    try {
      await requests.save(
        changeOf(request, asked, { links: { revoke: asked.revokedLinks.map((hash) => ({ hash, reason: 'supplement' as const })) } }),
      );
    } catch (error) {
      throw raced(error);
    }
    await resumeOrLeaveToSweep(workflows, link.taskToken, 'supplement', request.id, log);
    await closeChatMessages(asked.request, asked.revokedLinks, '요청자에게 보완을 요청했습니다. 보완되면 새 메시지로 다시 보냅니다.');
    await tellRequester(asked.request);
    return asked.request;
  }

  /** The Slack messages of the stage's dead links say why their buttons no longer work. */
  async function closeChatMessages(request: ApprovalRequest, hashes: string[], reason: string) {
    for (const hash of hashes) {
      const link: ApprovalLink | undefined = await requests.getLink(hash).catch(() => undefined);
      if (!link?.chatMessage) continue;
      await chat
        .update(link.chatMessage, closedMessage({ request, kind: describe(request, policy), reason }))
        .catch((error: unknown) => log('Slack update failed', { requestId: request.id, error: String(error) }));
    }
  }

  /** The requester hears what is asked and by when; for a health kind without the words or document names. */
  function tellRequester(request: ApprovalRequest) {
    const supplement = request.supplement;
    if (!supplement) return Promise.resolve();
    return emailNotice({ directory, mailer, policy, log }, request, [request.requesterId], (sensitive) => ({
      subject: '[보완 요청]',
      intro: `${supplement.requestedByName}님이 요청의 보완을 요청했습니다. 기한까지 보완하지 않으면 요청이 반려됩니다.`,
      lines: [
        ...(sensitive
          ? []
          : ([
              ['요청 내용', supplement.comment],
              ...(supplement.documentTypes?.length
                ? [['요청 서류', supplement.documentTypes.map((type) => documentLabel(request.kind, type)).join(', ')]]
                : []),
            ] as [string, string][])),
        ['보완 기한', formatSeoulDateTime(supplement.answerBy)],
      ],
      next: `${sensitive ? '요청 내용은 요청 화면(GET /requests/{id})에서 확인하고, ' : ''}POST /requests/${request.id}/supplement 로 보완하세요 (서류는 POST /attachments로 올린 뒤 attachments에 넣습니다).`,
    }));
  }

  return {
    /** `POST /approvals/{requestId}/supplement-request` by the holder of a waiting step. */
    async request(input: { callerId: string; requestId: string; body: unknown }) {
      const { comment, documentTypes } = parseOrThrow(supplementRequestBody, input.body);
      const opened = await heldStepOf(requests, openStepOf, input, '보완을 요청할 수 있는');
      return requestView(await ask(opened, { actorId: input.callerId, comment, documentTypes, channel: 'api' }));
    },

    /** The same from the email link page or Slack: the link names the step and its holder. */
    async requestByLink(input: { linkHash: string; comment: string; documentTypes?: string[]; channel: Channel }) {
      const link = await requests.getLink(input.linkHash);
      if (!link) throw new InvalidStateError('결재 링크를 찾을 수 없습니다.');
      return ask(await openStepOf(link), {
        actorId: link.approverId,
        comment: input.comment,
        documentTypes: input.documentTypes,
        channel: input.channel,
      });
    },
  };
}

export type SupplementRequest = ReturnType<typeof makeSupplementRequest>;

export function makeSupplementAnswer(deps: SupplementAnswerDeps) {
  const { requests, directory, workflows, clock, log } = deps;
  return {
    /**
     * `POST /requests/{id}/supplement` — Primary course:
     * 1. Only the requester, only while a 보완 요청 stands (and the workflow waits for the answer).
     * 2. Changed fields are validated and assessed as on revision (the ledger follows a new amount);
     *    new documents are checked and bound; the documents asked for must come with the answer.
     * 3. In one transaction: the new content, the previous one kept in the history (`supplemented`),
     *    the request in review again with the rest of its stage's time.
     * 4. The workflow opens the same stage again: each waiting step's holder gets a fresh link.
     */
    async answer(input: { callerId: string; requestId: string; body: unknown }) {
      const { comment, attachments: attachmentIds = [], details } = parseOrThrow(supplementAnswerBody, input.body);
      const request = await requests.get(input.requestId);
      if (!request || !isParticipant(request, input.callerId)) throw new NotFoundError(`요청 ${input.requestId}을(를) 찾을 수 없습니다.`);
      if (request.requesterId !== input.callerId) throw new ForbiddenError('본인이 제출한 요청만 보완할 수 있습니다.');
      const supplement = request.status === 'supplement-requested' ? request.supplement : undefined;
      if (!supplement) throw new InvalidStateError(`보완 요청을 받은 요청만 보완할 수 있습니다 (현재 상태: ${statusLabel(request.status)}).`);
      if (request.resumePending?.outcome === 'returned') throw new InvalidStateError('보완 기한이 지나 요청을 반려하는 중입니다.');
      if (!supplement.taskToken) throw new InvalidStateError('보완 요청을 처리하는 중입니다. 잠시 후 다시 시도하세요.');
      const requester = await directory.person(request.requesterId);
      if (!requester) throw new ForbiddenError('직원 명부에 없는 사용자입니다.');
      const now = clock.now();
      const revision = await prepareRevision(deps, request, {
        fields: { ...request.details, ...(details ?? {}) },
        attachmentIds,
        requester,
        now,
        mustAdd: supplement.documentTypes,
      });
      const answered = supplementAnswered(request, {
        revised: revision.content,
        at: now.toISOString(),
        actor: { id: requester.id, name: requester.name },
        comment,
        added: revision.added,
      });
      await saveRevision(requests, request, answered, revision);
      await resumeOrLeaveToSweep(workflows, supplement.taskToken, 'next', request.id, log);
      return requestView(answered.request);
    },
  };
}

export interface SupplementTimerDeps {
  requests: RequestStore;
  directory: Directory;
  workflows: Workflows;
  mailer: Mailer;
  policy: OfficePolicy;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * The timer sweep's part of 보완 요청: a reminder due reminds the requester (once); an answer period
 * that has ended returns the request (the workflow's Finalize says why).
 */
export function makeSupplementTimer({ requests, directory, workflows, mailer, policy, log }: SupplementTimerDeps) {
  return async function runDue(request: ApprovalRequest, now: string): Promise<'reminded' | 'returned' | undefined> {
    const supplement = request.status === 'supplement-requested' ? request.supplement : undefined;
    if (!supplement?.taskToken) return undefined;
    if (supplement.answerBy <= now) {
      // Saved first, so the sweep's resume retries carry it through if telling the workflow fails.
      await requests.save(changeOf(request, { request: supplementExpired(request, now), events: [] }));
      await resumeOrLeaveToSweep(workflows, supplement.taskToken, 'returned', request.id, log);
      return 'returned';
    }
    if (!supplement.remindAt || supplement.remindedAt || supplement.remindAt > now) return undefined;
    const reminded = supplementReminded(request, now);
    await requests.save(changeOf(request, reminded));
    await emailNotice({ directory, mailer, policy, log }, reminded.request, [request.requesterId], () => ({
      subject: '[보완 독촉]',
      intro: `보완 요청에 아직 답하지 않았습니다. ${formatSeoulDateTime(supplement.answerBy)}까지 보완하지 않으면 요청이 반려됩니다.`,
      next: `POST /requests/${request.id}/supplement 로 보완하세요.`,
    }));
    return 'reminded';
  };
}
