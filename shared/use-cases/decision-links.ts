import { createHash } from 'node:crypto';
import * as z from 'zod';
import { NotFoundError } from '../kernel/errors.js';
import { parseOrThrow } from '../kernel/validation.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import { kindById } from '../requests/kinds/index.js';
import type { AttachmentRef } from '../requests/request.js';
import { type DecideStep, makeOpenStepReader, type OpenStep } from './decide-step.js';
import type { ReturnToPrevious } from './return-to-previous.js';
import type { SupplementRequest } from './supplement.js';

/** Links are stored only as this hash; the id itself exists only in the approver's email. */
export const hashLinkId = (linkId: string) => createHash('sha256').update(linkId).digest('hex');

export interface DecisionLinkDeps {
  requests: RequestStore;
  clock: Clock;
}

const linkIdSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

async function linkOf(requests: RequestStore, linkId: string) {
  const link = linkIdSchema.safeParse(linkId).success ? await requests.getLink(hashLinkId(linkId)) : undefined;
  if (!link) throw new NotFoundError('결재 링크를 찾을 수 없습니다. 메일의 링크를 그대로 여셨는지 확인하세요.');
  return link;
}

/** The email link: its id is the credential (bound to one holder, one step, one round; single use). */
export function makeDecisionLinks({ requests, clock }: DecisionLinkDeps) {
  const openStepOf = makeOpenStepReader({ requests, clock });
  /** The link's holder read the request (or one of its documents) through the email link. */
  const recordView = (opened: OpenStep, document?: { attachmentId: string; documentType: string }) => {
    const at = clock.now().toISOString();
    return requests.recordAccess(
      {
        at,
        actorId: opened.link.approverId,
        actorName: opened.step.approverName,
        action: 'viewed',
        round: opened.request.round,
        channel: 'email-link',
        target: document ? 'attachment' : 'request',
        ...(document ? { documents: [document] } : {}),
      },
      {
        at,
        requestId: opened.request.id,
        kind: opened.request.kind,
        readerId: opened.link.approverId,
        readerName: opened.step.approverName,
        channel: 'email-link',
        scope: 'line',
        target: document ? 'attachment' : 'request',
        ...(document ? { documentType: document.documentType } : {}),
      },
    );
  };
  return {
    /**
     * GET: shows the request to the link's holder. Decides nothing (mail scanners fetch links);
     * for sensitive kinds the read is recorded, as any read of health data by someone other than the requester.
     */
    async view(linkId: string): Promise<OpenStep> {
      const opened = await openStepOf(await linkOf(requests, linkId));
      if (kindById(opened.request.kind).privacy.sensitive) await recordView(opened);
      return opened;
    },

    /**
     * A document of the link's request, for the link's holder while the link is open (afterwards the
     * same 409/410 as the page); the read is recorded by name, as from the email link.
     */
    async openDocument(linkId: string, attachmentId: string): Promise<{ opened: OpenStep; attachment: AttachmentRef }> {
      const opened = await openStepOf(await linkOf(requests, linkId));
      const attachment = opened.request.attachments?.find((candidate) => candidate.id === attachmentId);
      if (!attachment) throw new NotFoundError('이 요청에 그런 첨부 파일이 없습니다.');
      await recordView(opened, { attachmentId: attachment.id, documentType: attachment.documentType });
      return { opened, attachment };
    },
  };
}

/** What the link page's form can do: decide, or one of the actions a holder takes instead. */
export const LINK_ACTIONS = ['approve', 'reject', 'supplement', 'return-to-previous', 'reassign', 'comment'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** Each action but an approval needs words: why it is rejected, what is asked, why it goes back or to whom, the comment itself. */
const commentRequired: Record<Exclude<LinkAction, 'approve'>, string> = {
  reject: '반려할 때는 의견을 반드시 입력해야 합니다',
  supplement: '보완 요청 내용을 의견란에 입력하세요',
  'return-to-previous': '전단계 반려 사유를 의견란에 입력하세요',
  reassign: '지정 사유를 의견란에 입력하세요',
  comment: '남길 의견을 입력하세요',
};

export const linkActionForm = z
  .object({
    decision: z.enum(LINK_ACTIONS, { error: '승인, 반려, 보완 요청, 전단계 반려, 지정, 의견 중 하나를 선택하세요' }),
    comment: z.string().max(1000, { error: '의견은 1000자 이내로 입력하세요' }).optional(),
    /** 보완 요청: the documents asked for (checkboxes of one name). */
    documentTypes: z
      .union([z.string().max(60), z.array(z.string().max(60)).max(10)])
      .optional()
      .meta({ description: '보완 요청: the document types asked for (repeat the field for each).' }),
    /** 지정: the colleague it goes to. */
    toId: z.string().max(20).optional().meta({ description: '지정: the colleague’s employee id.' }),
  })
  .superRefine((form, ctx) => {
    if (form.decision !== 'approve' && !form.comment?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: commentRequired[form.decision] });
    }
    if (form.decision === 'reassign' && !form.toId) ctx.addIssue({ code: 'custom', path: ['toId'], message: '지정할 직원을 선택하세요' });
  });

/** The other actions a link's holder can take from the page, each the same use case the API calls. */
export interface LinkActionDeps {
  requests: RequestStore;
  clock: Clock;
  decideStep: DecideStep;
  supplement: Pick<SupplementRequest, 'requestByLink'>;
  returnToPrevious: Pick<ReturnToPrevious, 'byLink'>;
  reassign: (input: { callerId: string; requestId: string; body: unknown; channel: 'email-link' }) => Promise<unknown>;
  comment: (input: { callerId: string; requestId: string; body: unknown; channel: 'email-link' }) => Promise<unknown>;
}

/**
 * POST from the confirmation page: a decision (exactly once), or instead 보완 요청, 전단계 반려,
 * 지정 (each ends what the link can do, as a decision does) or 의견 (a comment: the link stays open).
 */
export function makeSubmitDecisionLink({ requests, clock, decideStep, supplement, returnToPrevious, reassign, comment }: LinkActionDeps) {
  const openStepOf = makeOpenStepReader({ requests, clock });
  return async function submitDecision(linkId: string, form: unknown): Promise<{ action: LinkAction; request: ApprovalRequest }> {
    const parsed = parseOrThrow(linkActionForm, form);
    const link = await linkOf(requests, linkId);
    const text = parsed.comment?.trim() ? parsed.comment : undefined;
    const by = { callerId: link.approverId, requestId: link.requestId, channel: 'email-link' as const };
    const reread = async () => (await requests.get(link.requestId)) ?? raise();
    switch (parsed.decision) {
      case 'approve':
      case 'reject': {
        const { decision: _decision, comment: _comment, documentTypes: _types, toId: _toId, ...fields } = (form ?? {}) as Record<string, unknown>;
        const { request } = await decideStep.decide({
          linkHash: link.hash,
          decision: parsed.decision,
          comment: text,
          actorId: link.approverId,
          channel: 'email-link',
          fields,
        });
        return { action: parsed.decision, request };
      }
      case 'supplement': {
        const documentTypes = typeof parsed.documentTypes === 'string' ? [parsed.documentTypes] : parsed.documentTypes;
        const request = await supplement.requestByLink({ linkHash: link.hash, comment: text ?? '', documentTypes, channel: 'email-link' });
        return { action: 'supplement', request };
      }
      case 'return-to-previous':
        return {
          action: 'return-to-previous',
          request: await returnToPrevious.byLink({ linkHash: link.hash, comment: text ?? '', channel: 'email-link' }),
        };
      case 'reassign':
        // The link must still be open (the same check as deciding); then the API's own 지정 and 의견.
        await openStepOf(link);
        await reassign({ ...by, body: { toId: parsed.toId, reason: text } });
        return { action: 'reassign', request: await reread() };
      case 'comment':
        await openStepOf(link);
        await comment({ ...by, body: { text } });
        return { action: 'comment', request: await reread() };
    }
  };
}

const raise = (): never => {
  throw new NotFoundError('요청을 찾을 수 없습니다.');
};
