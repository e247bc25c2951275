import { createHash } from 'node:crypto';
import * as z from 'zod';
import { AlreadyDecidedError, InvalidStateError, LinkExpiredError, NotFoundError } from '../kernel/errors.js';
import { formatSeoulDateTime } from '../kernel/seoul-time.js';
import { parseOrThrow, text } from '../kernel/validation.js';
import type { Directory } from '../directory/directory.js';
import { kindOf } from '../requests/kinds/index.js';
import { decisionSchema, type ApprovalRequest, type ApprovalStep } from '../requests/request.js';
import { recordDecision } from '../requests/transitions.js';
import { statusLabel } from '../notifications/wording.js';
import {
  ConcurrentChangeError,
  LinkUnavailableError,
  type ApprovalLink,
  type Clock,
  type RequestStore,
  type Workflows,
} from '../ports/ports.js';

/** Links are stored only as this hash; the id itself exists only in the approver's email. */
export const hashLinkId = (linkId: string) => createHash('sha256').update(linkId).digest('hex');

export interface DecisionLinkDeps {
  requests: RequestStore;
  directory: Directory;
  workflows: Workflows;
  clock: Clock;
}

export interface OpenLink {
  link: ApprovalLink;
  request: ApprovalRequest;
  step: ApprovalStep;
}

const linkIdSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

const decisionForm = z
  .object({
    decision: z.enum(decisionSchema.options, { error: '승인(approve) 또는 반려(reject)를 선택하세요' }),
    comment: z.string().max(1000, { error: '의견은 1000자 이내로 입력하세요' }).optional(),
  })
  .superRefine((form, ctx) => {
    if (form.decision === 'reject' && !form.comment?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: '반려할 때는 의견을 반드시 입력해야 합니다' });
    }
  });

export function makeDecisionLinks({ requests, directory, workflows, clock }: DecisionLinkDeps) {
  /** The link and its request, if the link can still decide; otherwise the error that says why not. */
  async function openLink(linkId: string): Promise<OpenLink> {
    const link = linkIdSchema.safeParse(linkId).success ? await requests.getLink(hashLinkId(linkId)) : undefined;
    if (!link) throw new NotFoundError('결재 링크를 찾을 수 없습니다. 메일의 링크를 그대로 여셨는지 확인하세요.');
    const request = await requests.get(link.requestId);
    if (!request) throw new NotFoundError('결재 링크를 찾을 수 없습니다.');
    const step = request.steps[link.stepIndex];
    if (!step) throw new Error(`link points at missing step ${link.stepIndex} of ${request.id}`);
    if (link.status === 'used' || step.decidedAt) {
      const decision = step.status === 'rejected' ? '반려' : '승인';
      throw new AlreadyDecidedError(
        `이미 처리된 결재입니다: ${step.approverName}님이 ${step.decidedAt ? formatSeoulDateTime(step.decidedAt) : ''}에 ${decision}했습니다.`,
      );
    }
    if (link.status === 'revoked' || request.status !== 'in-review' || request.currentStep !== link.stepIndex) {
      throw new InvalidStateError(`더 이상 결정할 수 없는 요청입니다 (현재 상태: ${statusLabel[request.status]}).`);
    }
    if (link.expiresAt <= clock.now().toISOString()) {
      throw new LinkExpiredError(`결재 링크의 유효기간(${formatSeoulDateTime(link.expiresAt)})이 지났습니다. 총무과에 다시 요청하세요.`);
    }
    return { link, request, step };
  }

  return {
    /**
     * GET: shows the request to the link's approver. Decides nothing (mail scanners fetch links);
     * for sensitive kinds the read is recorded, as any read of health data by someone other than the requester.
     */
    async view(linkId: string): Promise<OpenLink> {
      const opened = await openLink(linkId);
      if (kindOf(opened.request.kind).sensitive) {
        await requests.appendEvent(opened.request.id, {
          at: clock.now().toISOString(),
          actorId: opened.link.approverId,
          actorName: opened.step.approverName,
          action: 'viewed',
          channel: 'email-link',
        });
      }
      return opened;
    },

    /**
     * Primary course (POST):
     * 1. Validate the form (a rejection needs a comment).
     * 2. In one transaction: consume the link (only if still open and unexpired) and record the decision on the step.
     * 3. Hand the outcome to the waiting workflow.
     * Whoever comes second finds the link used: "already decided", never a second decision.
     */
    async decide(linkId: string, form: unknown) {
      const { decision, comment } = parseOrThrow(decisionForm, form);
      const { link, request, step } = await openLink(linkId);
      const approver = await directory.person(link.approverId);
      const at = clock.now().toISOString();
      const decided = recordDecision(request, {
        stepIndex: step.index,
        decision,
        comment: comment?.trim() ? comment : undefined,
        actor: { id: link.approverId, name: approver?.name ?? step.approverName },
        at,
        channel: 'email-link',
      });
      try {
        await requests.save({
          request: decided.request,
          expectedVersion: request.version,
          events: [decided.event],
          link: { consume: { hash: link.hash, at, decision } },
        });
      } catch (error) {
        if (error instanceof LinkUnavailableError || error instanceof ConcurrentChangeError) {
          await openLink(linkId); // throws the precise reason: already decided, withdrawn, expired
          throw new AlreadyDecidedError('요청이 방금 다른 곳에서 처리되었습니다. 새로 고쳐 상태를 확인하세요.');
        }
        throw error;
      }
      await workflows.resume(link.taskToken, decided.outcome);
      return { request: decided.request, decision };
    },
  };
}
