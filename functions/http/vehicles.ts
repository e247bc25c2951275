import { log } from '../../shared/kernel/log.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeVehicleBookings } from '../../shared/use-cases/vehicle-bookings.js';
import { optionalMailerFromEnv } from '../mail-wiring.js';
import { clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv } from '../wiring.js';

/** The fleet's side of bookings, wired once for the functions that serve it. */
export const vehicleBookings = makeVehicleBookings({
  requests: requestStoreFromEnv(),
  fleet: fleetStoreFromEnv(),
  directory: directoryFromEnv(),
  mailer: optionalMailerFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  log: log.warn,
});
