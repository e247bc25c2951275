import type { ScheduledEvent } from 'aws-lambda';
import { metricNames } from '../../shared/kernel/telemetry.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeAbandonment } from '../../shared/use-cases/abandonment.js';
import { makeApprovalTimers, type SweepReport } from '../../shared/use-cases/approval-timers.js';
import { makeDestruction } from '../../shared/use-cases/destruction.js';
import { makeFollowUps } from '../../shared/use-cases/follow-ups.js';
import { makeRequestEffects } from '../../shared/use-cases/request-effects.js';
import { makeSupplementTimer } from '../../shared/use-cases/supplement.js';
import { approvalEngineFromEnv, delegationsFromEnv } from '../approval-wiring.js';
import { documentFilesFromEnv } from '../documents-wiring.js';
import { mailerFromEnv } from '../mail-wiring.js';
import { count, log, observedHandler } from '../observability.js';
import { clockFromEnv, delegationStoreFromEnv, directoryAdminFromEnv, directoryFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';

const engine = approvalEngineFromEnv();
const timers = makeApprovalTimers({
  requests: requestStoreFromEnv(),
  delegationStore: delegationStoreFromEnv(),
  directory: directoryFromEnv(),
  workflows: workflowsFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  engine,
  delegations: delegationsFromEnv(engine),
  effects: makeRequestEffects({
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    directoryAdmin: directoryAdminFromEnv(),
    clock: clockFromEnv(),
  }),
  followUps: makeFollowUps({
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    mailer: mailerFromEnv(),
    clock: clockFromEnv(),
    policy: officePolicy,
  }),
  destruction: makeDestruction({
    requests: requestStoreFromEnv(),
    files: documentFilesFromEnv(),
    clock: clockFromEnv(),
    policy: officePolicy,
    log: log.warn,
  }),
  abandonment: makeAbandonment({
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    mailer: mailerFromEnv(),
    clock: clockFromEnv(),
    policy: officePolicy,
    log: log.warn,
  }),
  supplements: makeSupplementTimer({
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    workflows: workflowsFromEnv(),
    mailer: mailerFromEnv(),
    policy: officePolicy,
    log: log.warn,
  }),
  log: log.warn,
});

/** Scheduled (EventBridge): reminders, escalations, stage deadlines, delegation periods, approved effects, follow-ups and 보완 요청 deadlines that are due. */
export const handler = observedHandler(async (_event: ScheduledEvent): Promise<SweepReport> => {
  const report = await timers.sweep();
  log.info('approval timers swept', { ...report });
  count(metricNames.resumeResent, {}, report.resumed);
  // A gauge, every run (a zero too): the alarm fires while a decision has waited for its workflow over an hour.
  count(metricNames.resumeStuck, {}, report.resumeOverAnHour);
  count(metricNames.sweepCompleted);
  return report;
});
