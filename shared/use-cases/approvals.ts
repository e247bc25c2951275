import * as z from 'zod';
import type { Directory } from '../directory/directory.js';
import { AlreadyDecidedError, AppError, ForbiddenError, InvalidStateError, NotFoundError } from '../kernel/errors.js';
import { formatSeoulDateTime } from '../kernel/seoul-time.js';
import { invalidInput, parseOrThrow, text } from '../kernel/validation.js';
import { actionLabel } from '../notifications/wording.js';
import type { KindPolicies } from '../policies/approval-policy.js';
import { ConcurrentChangeError, LinkUnavailableError, type RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { Workflows } from '../ports/workflows.js';
import { changeOf } from '../requests/change.js';
import { kindById } from '../requests/kinds/index.js';
import { skipStep } from '../requests/line-transitions.js';
import { describe } from '../requests/per-kind.js';
import { isParticipant } from '../requests/request.js';
import { type DecideStep, decisionForm, resumeOrLeaveToSweep, withResume } from './decide-step.js';
import { requestView } from './request-view.js';

/** The approver's side of the API, for people who decide without the email link. */
export interface ApprovalsDeps {
  requests: RequestStore;
  directory: Directory;
  workflows: Workflows;
  clock: Clock;
  decideStep: DecideStep;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export const skipBody = z
  .object({
    stepIndex: z.int({ error: '생략할 단계 번호(stepIndex)를 정수로 입력하세요' }).nonnegative({ error: 'stepIndex는 0 이상이어야 합니다' }),
    reason: text('생략 사유(reason)', 500),
  })
  .strict();

/**
 * `GET /approvals`: what waits for the caller, oldest first — including what they hold as a
 * deputy (대결). Sensitive kinds list no details; opening the request shows them (and logs the read).
 */
export function makePendingApprovals({ requests, policy }: { requests: RequestStore; policy: KindPolicies }) {
  return async function listPending(callerId: string) {
    const links = await requests.pendingFor(callerId);
    const requestsById = new Map(
      (await Promise.all([...new Set(links.map((link) => link.requestId))].map((id) => requests.get(id)))).flatMap((request) =>
        request ? [[request.id, request] as const] : [],
      ),
    );
    const items = links.flatMap((link) => {
      const request = requestsById.get(link.requestId);
      const step = request?.steps[link.stepIndex];
      if (!request || !step || step.openLinkHash !== link.hash) return []; // moved on since the index was written
      const kind = kindById(request.kind);
      return [
        {
          requestId: request.id,
          kind: request.kind,
          kindLabel: kind.label,
          requesterName: request.requesterName,
          departmentId: request.departmentId,
          round: request.round,
          stepIndex: step.index,
          action: step.action,
          actionLabel: actionLabel[step.action],
          actingFor: step.actingForId ? { id: step.actingForId, name: step.actingForName } : null,
          delegatedAuthority: step.delegatedAuthority ?? null,
          /** What an agreement must record (`facility-triage`: estimateKrw, quoteCount…; `vehicle-dispatch`: vehicleId). */
          input: step.input ?? null,
          waitingSince: link.openedAt,
          deadline: link.expiresAt,
          ...(kind.privacy.sensitive
            ? {}
            : { summary: Object.fromEntries(describe(request, policy).summary), reimbursableAmount: request.reimbursableAmount ?? null }),
        },
      ];
    });
    return { items };
  };
}

/** At most this many decisions in one `POST /approvals/decisions`. */
export const MAX_BULK_DECISIONS = 50;

export const bulkDecisionBody = z.strictObject({
  items: z
    .array(
      z.strictObject({
        requestId: z.string().max(64, { error: '요청 번호(requestId)가 너무 깁니다' }),
        decision: z.string().max(20),
        comment: z.string().max(1000, { error: '의견은 1000자 이내로 입력하세요' }).optional(),
      }),
      { error: 'items는 결정의 배열이어야 합니다' },
    )
    .min(1, { error: '결정할 항목을 하나 이상 보내세요' })
    .max(MAX_BULK_DECISIONS, { error: `한 번에 ${MAX_BULK_DECISIONS}건까지 결정할 수 있습니다` })
    .refine((items) => new Set(items.map((item) => item.requestId)).size === items.length, { error: '같은 요청이 두 번 들어 있습니다' }),
});

/** One item of a bulk decision: decided, or refused with the Korean reason a single decision would have got. */
export type BulkOutcome =
  | { requestId: string; outcome: 'decided'; status: string }
  | { requestId: string; outcome: 'refused'; statusCode: number; message: string };

export function makeApprovals({ requests, directory, workflows, clock, decideStep, log }: ApprovalsDeps) {
  async function decideOne(input: { callerId: string; requestId: string; body: unknown; bulk?: boolean }) {
    const { decision, comment } = parseOrThrow(decisionForm, input.body ?? {});
    const request = await requests.get(input.requestId);
    if (!request || !isParticipant(request, input.callerId)) throw new NotFoundError(`요청 ${input.requestId}을(를) 찾을 수 없습니다.`);
    const step = request.steps.find((candidate) => candidate.status === 'waiting' && candidate.approverId === input.callerId);
    if (!step?.openLinkHash) {
      const mine = request.steps.find((candidate) => candidate.decidedBy === input.callerId && candidate.decidedAt);
      if (mine?.decidedAt) {
        throw new AlreadyDecidedError(
          `이미 처리된 결재입니다: ${formatSeoulDateTime(mine.decidedAt)}에 ${mine.status === 'rejected' ? '반려' : '승인'}했습니다.`,
        );
      }
      throw new InvalidStateError('지금 결정할 차례인 결재가 없습니다.');
    }
    // An input step (a triage estimate, a vehicle) needs its own fields: one at a time, never in bulk.
    if (input.bulk && step.input) {
      throw new InvalidStateError('입력할 내용(견적 금액, 배차 차량 등)이 있는 결재는 일괄로 결정할 수 없습니다. 하나씩 결정하세요.');
    }
    const { decision: _decision, comment: _comment, ...fields } = (input.body ?? {}) as Record<string, unknown>;
    const result = await decideStep.decide({ linkHash: step.openLinkHash, decision, comment, actorId: input.callerId, channel: 'api', fields });
    return requestView(result.request);
  }

  return {
    /** `POST /approvals/{requestId}/decision`: the email link's decision, for the signed-in holder of the step. */
    decide: (input: { callerId: string; requestId: string; body: unknown }) => decideOne(input),

    /**
     * `POST /approvals/decisions` (일괄 결재): up to 50 decisions by one approver, each checked and
     * decided exactly as a single decision is, in its own guarded transaction, one after the other.
     * A refused item does not stop the rest; the answer says what became of each. Repeating the
     * call is safe: what was decided answers "already decided".
     */
    async decideMany(input: { callerId: string; body: unknown }): Promise<{ items: BulkOutcome[] }> {
      const { items } = parseOrThrow(bulkDecisionBody, input.body ?? {});
      const outcomes: BulkOutcome[] = [];
      for (const item of items) {
        const { requestId, ...body } = item;
        try {
          const decided = await decideOne({ callerId: input.callerId, requestId, body, bulk: true });
          outcomes.push({ requestId, outcome: 'decided', status: decided.status });
        } catch (error) {
          if (error instanceof AppError) {
            outcomes.push({ requestId, outcome: 'refused', statusCode: error.statusCode, message: error.message });
            continue;
          }
          // Not this item's fault (a dependency failed): said as such, and the rest still decided.
          log('a bulk decision item failed', { requestId, error: String(error) });
          outcomes.push({
            requestId,
            outcome: 'refused',
            statusCode: 503,
            message: '일시적인 오류로 처리하지 못했습니다. 잠시 후 이 건만 다시 결정하세요.',
          });
        }
      }
      return { items: outcomes };
    },

    /**
     * `POST /approvals/{requestId}/skip` (§9): a reviewer who is away is skipped — by the drafter or
     * an admin, only for a review (검토) step that is waiting, and only with a reason on record.
     * If that completes the stage, the line moves on.
     */
    async skip(input: { callerId: string; requestId: string; body: unknown }) {
      const { stepIndex, reason } = parseOrThrow(skipBody, input.body ?? {});
      const request = await requests.get(input.requestId);
      const caller = await directory.person(input.callerId);
      const isAdmin = caller?.roles.includes('admin') ?? false;
      if (!request || (!isParticipant(request, input.callerId) && !isAdmin))
        throw new NotFoundError(`요청 ${input.requestId}을(를) 찾을 수 없습니다.`);
      if (request.requesterId !== input.callerId && !isAdmin) {
        throw new ForbiddenError('검토 생략은 기안자 또는 관리자만 할 수 있습니다.');
      }
      const step = request.steps[stepIndex];
      if (!step) throw invalidInput([{ path: 'stepIndex', message: `이 요청에는 ${stepIndex}번 단계가 없습니다` }]);
      if (step.action !== 'review')
        throw new InvalidStateError(`${actionLabel[step.action]} 단계는 생략할 수 없습니다. 검토 단계만 생략할 수 있습니다.`);
      if (step.mustConfirm) throw new InvalidStateError(`이 검토는 생략할 수 없습니다: ${step.mustConfirm}`);
      if (step.input)
        throw new InvalidStateError('이 검토는 결정할 때 입력할 내용(견적 금액 등)이 있어 생략할 수 없습니다. 부재 중이면 대결을 지정하세요.');
      if (step.status !== 'waiting' || !step.openLinkHash) throw new InvalidStateError('지금 결정을 기다리는 검토 단계만 생략할 수 있습니다.');
      const link = await requests.getLink(step.openLinkHash);
      if (!link) throw new Error(`step ${stepIndex} of ${request.id} points at a missing link`);
      const at = clock.now().toISOString();
      const skipped = withResume(
        skipStep(request, { stepIndex, reason, actor: { id: input.callerId, name: caller?.name ?? input.callerId }, at }),
        link.taskToken,
        at,
      );
      try {
        await requests.save(changeOf(request, skipped, { links: { revoke: [{ hash: step.openLinkHash, reason: 'closed' }] } }));
      } catch (error) {
        if (error instanceof ConcurrentChangeError || error instanceof LinkUnavailableError) {
          throw new InvalidStateError('요청이 방금 다른 곳에서 처리되었습니다. 상태를 확인한 뒤 다시 시도하세요.');
        }
        throw error;
      }
      if (skipped.outcome !== 'waiting') await resumeOrLeaveToSweep(workflows, link.taskToken, skipped.outcome, request.id, log);
      return requestView(skipped.request);
    },
  };
}
