import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeFacilityWork } from '../../shared/use-cases/facility-work.js';
import { optionalMailerFromEnv } from '../mail-wiring.js';
import { log } from '../observability.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';

/** A repair's life after approval, wired once for the functions that serve it. */
export const facilityWork = makeFacilityWork({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  mailer: optionalMailerFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  log: log.warn,
});
