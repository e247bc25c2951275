import { createHash } from 'node:crypto';
import * as z from 'zod';
import { NotFoundError } from '../kernel/errors.js';
import { parseOrThrow } from '../kernel/validation.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { kindById } from '../requests/kinds/index.js';
import type { AttachmentRef } from '../requests/request.js';
import { type DecideStep, decisionForm, makeOpenStepReader, type OpenStep } from './decide-step.js';

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
  const recordView = (opened: OpenStep, document?: { attachmentId: string; documentType: string }) =>
    requests.appendEvent(opened.request.id, {
      at: clock.now().toISOString(),
      actorId: opened.link.approverId,
      actorName: opened.step.approverName,
      action: 'viewed',
      round: opened.request.round,
      channel: 'email-link',
      ...(document ? { documents: [document] } : {}),
    });
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

/** POST from the confirmation page: the decision, exactly once. */
export function makeSubmitDecisionLink({ requests, decideStep }: { requests: RequestStore; decideStep: DecideStep }) {
  return async function submitDecision(linkId: string, form: unknown) {
    const { decision, comment } = parseOrThrow(decisionForm, form);
    const link = await linkOf(requests, linkId);
    const { decision: _decision, comment: _comment, ...fields } = (form ?? {}) as Record<string, unknown>;
    return decideStep.decide({ linkHash: link.hash, decision, comment, actorId: link.approverId, channel: 'email-link', fields });
  };
}
