import { superiorOf } from '../approvals/approval-line.js';
import type { Directory } from '../directory/directory.js';
import { formatSeoulDateTime } from '../kernel/seoul-time.js';
import { timingsFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { DelegationStore } from '../ports/delegation-store.js';
import type { ApprovalLink, RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { Workflows } from '../ports/workflows.js';
import { changeOf } from '../requests/change.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import { resumeSettled } from '../requests/lifecycle-transitions.js';
import type { ApprovalEngine } from './approval-engine.js';
import type { Delegations } from './delegations.js';
import type { FollowUps } from './follow-ups.js';
import type { RequestEffects } from './request-effects.js';
import { DEADLINE_PASSED } from './workflow-tasks.js';

export interface ApprovalTimerDeps {
  requests: RequestStore;
  delegationStore: DelegationStore;
  directory: Directory;
  workflows: Workflows;
  clock: Clock;
  policy: OfficePolicy;
  engine: ApprovalEngine;
  delegations: Delegations;
  effects: RequestEffects;
  /** What approved requests still need from the sweep, as their kinds say (a trip-log reminder, a repair's automatic close). */
  followUps: FollowUps;
  /** 파기: closed requests whose retention has ended. */
  destruction: { runDue(limit: number): Promise<{ destroyed: number; failed: number }> };
  /** 장기 미처리: withdraws requests left returned or recalled past the policy's days (abandonment.ts). */
  abandonment: { runDue(limit: number): Promise<{ withdrawn: number; failed: number }> };
  /** 보완 요청 reminders and answer deadlines. */
  supplements: (request: ApprovalRequest, now: string) => Promise<'reminded' | 'returned' | undefined>;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export interface SweepReport {
  reminded: number;
  escalated: number;
  expired: number;
  rerouted: number;
  /** Approved effects that took effect (transfers moved in the directory). */
  applied: number;
  /** Decided stages whose workflow had to be told again. */
  resumed: number;
  /** Of the decisions still waiting for their workflow, those decided more than an hour ago (alarmed on). */
  resumeOverAnHour: number;
  /** Rounds in review with no stage opened, whose workflow the sweep started (idempotent if it runs). */
  started: number;
  /** Follow-ups done: missing trip logs reminded, reported repairs closed. */
  followedUp: number;
  /** 보완 요청: requesters reminded, and requests returned unanswered. */
  supplementsReminded: number;
  supplementsExpired: number;
  /** 장기 미처리: requests left returned or recalled past the policy's days, withdrawn. */
  abandoned: number;
  /** 파기: closed requests whose personal data was destroyed at the end of their retention. */
  destroyed: number;
  failed: number;
}

/** How long a decision may wait for its workflow before the sweep's gauge counts it (the alarm's threshold). */
const RESUME_ALARM_MS = 60 * 60 * 1000;

/** Step Functions' answers for a token whose task no longer waits. */
const TASK_GONE = ['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken'];

/** Items handled per sweep; the rest wait for the next run (every 15 minutes in AWS). */
const BATCH = 100;

const describe = (duration: { businessDays: number } | { hours: number }) =>
  'hours' in duration ? `${duration.hours}시간` : `${duration.businessDays}영업일`;

/**
 * The scheduled sweep behind reminders, escalation, stage deadlines and delegation periods. It
 * reads only what is due (a sparse index ordered by due time), so its cost follows the work, not
 * the size of the table. Every time it uses is the injected clock's, so tests and demos drive it.
 */
export function makeApprovalTimers(deps: ApprovalTimerDeps) {
  const {
    requests,
    delegationStore,
    directory,
    workflows,
    clock,
    policy,
    engine,
    delegations,
    effects,
    followUps,
    supplements,
    destruction,
    abandonment,
    log,
  } = deps;

  async function handleLink(link: ApprovalLink, now: string, report: SweepReport) {
    const request = await requests.get(link.requestId);
    const step = request?.steps[link.stepIndex];
    if (!request || !step || request.status !== 'in-review' || request.round !== link.round || step.openLinkHash !== link.hash) {
      await requests.clearLinkTimer(link.hash); // the step moved on; the index entry is stale
      return;
    }
    const rules = timingsFor(policy, request);

    if (link.expiresAt <= now) {
      // The stage deadline: the workflow's Catch records the failure and tells the requester.
      try {
        await workflows.fail(link.taskToken, DEADLINE_PASSED, `stage ${request.currentStage} of ${request.id} passed its deadline ${link.expiresAt}`);
        report.expired += 1;
      } catch (error) {
        log('deadline: the task is gone; taking the link off the sweep', { requestId: request.id, error: String(error) });
        await requests.clearLinkTimer(link.hash);
      }
      return;
    }

    if (link.escalateAt && link.escalateAt <= now) {
      const responsible = await directory.person(link.actingForId ?? link.approverId);
      const above = responsible ? await superiorOf(directory, responsible, [request.requesterId]) : undefined;
      if (!above) {
        // Nobody above (the mayor): keep reminding until the deadline instead.
        await engine.reassign({
          request,
          link: { ...link, escalateAt: undefined },
          holder: currentHolder(step),
          action: 'reminded',
          reason: `결정 대기 ${describe(rules.escalateAfter)} 경과 — 결재 기한 ${formatSeoulDateTime(link.expiresAt)}`,
        });
        report.reminded += 1;
        return;
      }
      const holder = await engine.holderFor(above.person.id, request.requesterId);
      await engine.reassign({
        request,
        link,
        holder,
        action: 'escalated',
        reason: `${step.approverName} ${step.approverPosition}이(가) ${describe(rules.escalateAfter)} 동안 결정하지 않아 ${above.title}에게 이관되었습니다`,
        rule: `상위 결재권자 이관: ${above.title} (${describe(rules.escalateAfter)} 경과)`,
      });
      report.escalated += 1;
      return;
    }

    if (link.remindAt && link.remindAt <= now) {
      await engine.reassign({
        request,
        link,
        holder: currentHolder(step),
        action: 'reminded',
        reason: `결정을 기다린 지 ${describe(rules.remindAfter)}이 지났습니다. 결재 기한: ${formatSeoulDateTime(link.expiresAt)}`,
      });
      report.reminded += 1;
    }
  }

  return {
    /**
     * Primary course:
     * 1. Open links whose reminder, escalation or deadline is due: remind (same holder, fresh link),
     *    escalate (the level above, fresh link, recorded with the rule) or fail the stage at its deadline.
     * 2. Delegations whose start or end is due: re-route the waiting steps.
     * 3. Decided stages whose workflow was not seen to move on: tell it again. Rounds in review
     *    whose workflow never opened a stage: start it (Step Functions ignores a second start).
     * 4. Approved effects whose date has come: apply them (a transfer moves the person in the directory).
     * 5. Follow-ups of approved requests: remind a missing trip log, close a reported repair nobody objected to.
     * 6. 보완 요청: remind a requester who has not answered; return the request when the answer period ends.
     * 7. 장기 미처리: withdraw requests left returned or recalled past the policy's days (they then close).
     * 8. 파기: destroy what is personal in closed requests whose retention has ended.
     * One item failing is logged and retried next run; it never stops the others.
     */
    async sweep(): Promise<SweepReport> {
      const now = clock.now().toISOString();
      const report: SweepReport = {
        reminded: 0,
        escalated: 0,
        expired: 0,
        rerouted: 0,
        applied: 0,
        resumed: 0,
        resumeOverAnHour: 0,
        started: 0,
        followedUp: 0,
        supplementsReminded: 0,
        supplementsExpired: 0,
        abandoned: 0,
        destroyed: 0,
        failed: 0,
      };
      for (const link of await requests.dueLinks(now, BATCH)) {
        try {
          await handleLink(link, now, report);
        } catch (error) {
          report.failed += 1;
          log('timer failed; retried next sweep', { requestId: link.requestId, stepIndex: link.stepIndex, error: String(error) });
        }
      }
      for (const delegation of await delegationStore.due(now, BATCH)) {
        try {
          report.rerouted += await delegations.applyDue(delegation);
        } catch (error) {
          report.failed += 1;
          log('delegation timer failed; retried next sweep', { principalId: delegation.principalId, error: String(error) });
        }
      }
      for (const request of await requests.dueResumes(now, BATCH)) {
        const pending = request.resumePending;
        if (!pending) continue;
        if (Date.parse(now) - Date.parse(pending.since) > RESUME_ALARM_MS) report.resumeOverAnHour += 1;
        try {
          await workflows.resume(pending.taskToken, { outcome: pending.outcome });
          report.resumed += 1;
        } catch (error) {
          if (!(error instanceof Error && TASK_GONE.includes(error.name))) {
            report.failed += 1;
            log('resume retry failed; retried next sweep', { requestId: request.id, error: String(error) });
            continue;
          }
          // The task is gone (it moved on, or timed out and the workflow's Catch took over): nothing left to tell.
          await requests.save(changeOf(request, resumeSettled(request, now)));
        }
      }
      for (const request of await requests.dueSupplements(now, BATCH)) {
        try {
          const done = await supplements(request, now);
          if (done === 'reminded') report.supplementsReminded += 1;
          if (done === 'returned') report.supplementsExpired += 1;
        } catch (error) {
          report.failed += 1;
          log('supplement timer failed; retried next sweep', { requestId: request.id, error: String(error) });
        }
      }
      for (const request of await requests.dueStarts(now, BATCH)) {
        try {
          await workflows.start(request.kind, request.id, request.round);
          report.started += 1;
          log('workflow started by the sweep: the round had no open stage', { requestId: request.id, round: request.round });
        } catch (error) {
          report.failed += 1;
          log('workflow start failed; retried next sweep', { requestId: request.id, error: String(error) });
        }
      }
      const effected = await effects.applyDue(BATCH, log);
      report.applied += effected.applied;
      report.failed += effected.failed;
      const followed = await followUps.runDue(BATCH, log);
      report.followedUp += followed.followedUp;
      report.failed += followed.failed;
      const abandoned = await abandonment.runDue(BATCH);
      report.abandoned += abandoned.withdrawn;
      report.failed += abandoned.failed;
      const destroyed = await destruction.runDue(BATCH);
      report.destroyed += destroyed.destroyed;
      report.failed += destroyed.failed;
      return report;
    },
  };
}

const currentHolder = (step: {
  approverId: string;
  approverName: string;
  approverPosition: string;
  actingForId?: string;
  actingForName?: string;
}) => ({
  id: step.approverId,
  name: step.approverName,
  position: step.approverPosition,
  ...(step.actingForId ? { actingFor: { id: step.actingForId, name: step.actingForName ?? step.actingForId } } : {}),
});
