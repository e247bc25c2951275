import * as z from 'zod';
import type { Directory } from '../directory/directory.js';
import { formatSeoulDateTime } from '../kernel/seoul-time.js';
import { outcomeEmail } from '../notifications/emails.js';
import { type OfficePolicy, policyVersion } from '../policies/office-policy.js';
import type { Mailer } from '../ports/messaging.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { changeOf } from '../requests/change.js';
import { type ApprovalRequest, findKind } from '../requests/kinds/index.js';
import { awaitingSupplement, type Holder, openStage } from '../requests/line-transitions.js';
import { describe, outcomeOf } from '../requests/per-kind.js';
import { APPROVAL_STATUSES } from '../requests/request.js';
import { endRoundAndRelease, finalized } from '../requests/round-transitions.js';
import type { ApprovalEngine, MintedLink } from './approval-engine.js';
import { circulationReaders, tellReaders } from './circulation.js';
import { retryOnConcurrentChange } from './concurrent-change.js';
import { nextRegistration } from './registration.js';

/**
 * The steps the state machines call. They throw on failure: Retry and Catch live in the
 * state machine definition (workflows/), not here.
 */
export interface WorkflowTaskDeps {
  requests: RequestStore;
  directory: Directory;
  mailer: Mailer;
  clock: Clock;
  policy: OfficePolicy;
  engine: ApprovalEngine;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export class RequestNotInReviewError extends Error {
  override name = 'RequestNotInReviewError';
}

/** The error the timer sweep fails a waiting stage with when its deadline passes. */
export const DEADLINE_PASSED = 'ApprovalDeadlinePassed';

export const requestDecisionInput = z.object({ requestId: z.string(), round: z.int().positive(), taskToken: z.string().min(1) });
export const finalizeInput = z.object({ requestId: z.string(), round: z.int().positive(), outcome: z.enum(['approved', 'returned', 'rejected']) });
export const failureInput = z.object({
  requestId: z.string(),
  round: z.int().positive(),
  error: z.object({ Error: z.string(), Cause: z.string().optional() }),
});

const systemActor = { id: 'system', name: 'system' };

/** How often a finalize re-reads after losing a race (the register's next number among them) before the state machine retries it. */
const FINALIZE_ATTEMPTS = 20;

/**
 * What the holders of a stage opened again are told: who answered or sent it back and — except on
 * a health kind, whose words may be about the person's health — what they said.
 */
function reopenedNote(request: ApprovalRequest, reopened: NonNullable<ApprovalRequest['reopened']>): string {
  const said = findKind(request.kind)?.privacy.sensitive ? '' : ` — ${reopened.note}`;
  return reopened.occasion === 'supplemented'
    ? `${reopened.byName}님이 보완 요청에 답했습니다${said}. 같은 단계에서 이어서 결정해 주세요.`
    : `${reopened.byName}님이 전단계 반려했습니다${said}. 다시 확인해 결정해 주세요.`;
}
const approvalStatuses = new Set<string>(APPROVAL_STATUSES);

export function makeWorkflowTasks(deps: WorkflowTaskDeps) {
  const { requests, directory, mailer, clock, policy, engine, log } = deps;

  async function load(requestId: string, round: number): Promise<ApprovalRequest> {
    const request = await requests.get(requestId);
    if (!request) throw new Error(`request ${requestId} not found`);
    // A late task of an earlier round (the request was returned and resubmitted) must not touch the new round.
    if (request.round !== round) throw new RequestNotInReviewError(`request ${requestId} is in round ${request.round}, not ${round}`);
    return request;
  }

  async function tellRequester(request: ApprovalRequest, reason?: string) {
    const requester = await directory.person(request.requesterId);
    if (!requester) throw new Error(`requester ${request.requesterId} is not in the directory`);
    await mailer.send(
      outcomeEmail({
        request,
        kind: describe(request, policy),
        outcome: outcomeOf(request),
        requester,
        reason,
        abandonAfterDays: policy.approvals.abandonAfterDays,
      }),
    );
  }

  return {
    /**
     * Primary course (a stage of the line, `.waitForTaskToken`):
     * 1. For each step of the current stage, find who holds it today (대결 applied).
     * 2. Mint one single-use link per step (only its hash is stored, with the task token and the
     *    step's reminder/escalation timers); a retry replaces the links of the previous attempt.
     * 3. Mark the steps waiting and record the notifications, in one transaction.
     * 4. Email each holder their link (the email never holds the task token).
     */
    async requestDecision(input: z.infer<typeof requestDecisionInput>): Promise<void> {
      const request = await load(input.requestId, input.round);
      if (request.status !== 'in-review') throw new RequestNotInReviewError(`request ${request.id} is ${request.status}`);
      const stage = request.steps.filter((step) => step.stage === request.currentStage && (step.status === 'pending' || step.status === 'waiting'));
      if (stage.length === 0) throw new Error(`request ${request.id} has nothing to decide in stage ${request.currentStage}`);

      const now = clock.now();
      const at = now.toISOString();
      // A stage opened again on the same steps (after a 보완 answer, or a retry of this task) keeps
      // its deadline (the rest of its time); a stage reached afresh gets the whole period.
      const again = stage.every((step) => step.status === 'waiting') && request.stageDeadline !== undefined && request.stageDeadline > at;
      const deadline =
        again && request.stageDeadline
          ? request.stageDeadline
          : new Date(now.getTime() + policy.approvals.stageDeadlineDays * 86_400_000).toISOString();
      const reopened = request.reopened;
      const opened: { stepIndex: number; holder: Holder; minted: MintedLink }[] = [];
      for (const step of stage) {
        const holder = await engine.holderFor(step.actingForId ?? step.approverId, request.requesterId);
        const minted = engine.mintLink({
          request,
          step,
          holder,
          taskToken: input.taskToken,
          deadline,
          openedAt: at,
          timersFrom: now,
          withReminder: true,
        });
        opened.push({ stepIndex: step.index, holder, minted });
      }
      const changed = openStage(request, {
        at,
        deadline,
        open: opened.map(({ stepIndex, holder, minted }) => ({ stepIndex, holder, linkHash: minted.link.hash })),
      });
      const replaced = stage.flatMap((step) => (step.openLinkHash ? [{ hash: step.openLinkHash, reason: 'replaced' as const }] : []));
      await requests.save(changeOf(request, changed, { links: { put: opened.map(({ minted }) => minted.link), revoke: replaced } }));
      for (const { stepIndex, minted } of opened) {
        const step = changed.request.steps[stepIndex];
        if (!step) continue;
        const occasion = reopened?.occasion ?? (step.actingForId ? 'rerouted' : 'new');
        await engine.notifyHolder({
          request: changed.request,
          step,
          minted,
          occasion,
          note: reopened ? reopenedNote(changed.request, reopened) : undefined,
        });
      }
    },

    /**
     * Primary course (보완 요청, `.waitForTaskToken`): the request keeps the task token its answer
     * (or its expiry) completes. The requester was told by the holder's action; nothing is sent here.
     */
    async awaitSupplement(input: z.infer<typeof requestDecisionInput>): Promise<void> {
      return retryOnConcurrentChange(async () => {
        const request = await load(input.requestId, input.round);
        if (request.status !== 'supplement-requested') throw new RequestNotInReviewError(`request ${request.id} is ${request.status}`);
        await requests.save(
          changeOf(request, { request: awaitingSupplement(request, { taskToken: input.taskToken, at: clock.now().toISOString() }), events: [] }),
        );
      });
    },

    /**
     * The line has decided: set the final status (approved, returned to the requester, or finally
     * rejected), give back the ledger place on a final rejection, tell the requester.
     */
    async finalize(input: z.infer<typeof finalizeInput>): Promise<void> {
      // Closing also moves shared items (the month's finance totals, a vehicle's calendar, the
      // department's register of 문서번호), so closings at the same instant collide — a year-end
      // bulk approval closes dozens in one department at once; each re-reads and takes the next
      // number before the state machine's retries are spent.
      return retryOnConcurrentChange(() => finalizeOnce(input), FINALIZE_ATTEMPTS);
    },

    /** Anything the workflow could not handle: the request fails visibly, with the reason in its history. */
    async recordFailure(input: z.infer<typeof failureInput>): Promise<void> {
      return retryOnConcurrentChange(() => recordFailureOnce(input));
    },
  };

  async function finalizeOnce(input: z.infer<typeof finalizeInput>): Promise<void> {
    const request = await load(input.requestId, input.round);
    // An approved request its kind carried on (a repair in progress) has a status of the kind's own.
    const carriedOn = input.outcome === 'approved' && !approvalStatuses.has(request.status);
    if (request.status !== 'in-review' && (request.status === input.outcome || carriedOn)) {
      // A retry after the status was saved: the requester may not have been told yet.
      await tellRequester(request);
      return;
    }
    // An unanswered 보완 요청 returns the request once its time is up.
    const unanswered = request.status === 'supplement-requested' && input.outcome === 'returned' ? request.supplement : undefined;
    if (request.status !== 'in-review' && !unanswered) throw new RequestNotInReviewError(`request ${request.id} is ${request.status}`);
    const reason = unanswered ? `보완 요청에 기한(${formatSeoulDateTime(unanswered.answerBy)})까지 답하지 않아 반려되었습니다` : undefined;
    const at = clock.now().toISOString();
    // 공람: an approved request goes, for information, to the units its kind names.
    const readers = input.outcome === 'approved' ? await circulationReaders({ directory, policy }, request) : [];
    // 문서번호: a final decision takes its department's next number (a lost race reads again, below).
    const registration = input.outcome === 'returned' ? undefined : await nextRegistration({ requests, directory, policy }, request, at);
    const change = finalized(request, {
      outcome: input.outcome,
      at,
      policy,
      comment: reason,
      circulate: readers,
      registration,
      policyVersion: policyVersion(policy),
    });
    await requests.save(change);
    await tellRequester(change.request, reason);
    const circulated = (change.request.readers ?? []).filter((reader) => reader.as === 'circulation' && reader.since === at);
    await tellReaders({ directory, mailer, policy, log }, change.request, circulated);
  }

  async function recordFailureOnce(input: z.infer<typeof failureInput>): Promise<void> {
    const request = await requests.get(input.requestId);
    if (!request) throw new Error(`request ${input.requestId} not found`);
    const open = request.status === 'in-review' || request.status === 'supplement-requested';
    if (!open || request.round !== input.round) return; // withdrawn, closed or resubmitted: nothing is stuck
    const timedOut = input.error.Error === DEADLINE_PASSED || input.error.Error === 'States.Timeout';
    // A time-out while a 보완 요청 waits is the Await supplement task's backstop (no stage deadline runs then):
    // the answer period ended and the timer sweep did not return the request in time.
    const unanswered = timedOut && request.status === 'supplement-requested' ? request.supplement : undefined;
    const reason = unanswered
      ? `보완 요청의 답변 기한(${formatSeoulDateTime(unanswered.answerBy)})이 지나도록 처리되지 않아 요청이 중단되었습니다`
      : timedOut
        ? `결재 기한(단계별 ${policy.approvals.stageDeadlineDays}일)이 지나 요청이 중단되었습니다`
        : `처리 중 오류가 발생해 요청이 중단되었습니다 (${input.error.Error})`;
    const change = endRoundAndRelease(request, {
      status: 'failed',
      at: clock.now().toISOString(),
      actor: systemActor,
      comment: reason,
      channel: 'workflow',
    });
    await requests.save(change);
    await tellRequester(change.request, reason);
  }
}
