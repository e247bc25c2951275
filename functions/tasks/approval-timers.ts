import type { ScheduledEvent } from 'aws-lambda';
import { log } from '../../shared/kernel/log.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeApprovalTimers, type SweepReport } from '../../shared/use-cases/approval-timers.js';
import { makeFacilityWork } from '../../shared/use-cases/facility-work.js';
import { makeRequestEffects } from '../../shared/use-cases/request-effects.js';
import { makeVehicleBookings } from '../../shared/use-cases/vehicle-bookings.js';
import { approvalEngineFromEnv, delegationsFromEnv } from '../approval-wiring.js';
import { mailerFromEnv } from '../mail-wiring.js';
import {
  clockFromEnv,
  delegationStoreFromEnv,
  directoryAdminFromEnv,
  directoryFromEnv,
  fleetStoreFromEnv,
  requestStoreFromEnv,
  workflowsFromEnv,
} from '../wiring.js';

const engine = approvalEngineFromEnv();
const shared = {
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  mailer: mailerFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  log: log.warn,
};
const facilityWork = makeFacilityWork(shared);
const vehicleBookings = makeVehicleBookings({ ...shared, fleet: fleetStoreFromEnv() });
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
  followUps: { 'trip-log-reminder': vehicleBookings.remindTripLog, 'auto-close': facilityWork.autoClose },
  log: log.warn,
});

/** Scheduled (EventBridge): reminders, escalations, stage deadlines, delegation periods, approved effects and follow-ups that are due. */
export const handler = async (_event: ScheduledEvent): Promise<SweepReport> => {
  const report = await timers.sweep();
  log.info('approval timers swept', { ...report });
  return report;
};
