import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeVehicleBookings } from '../../shared/use-cases/vehicle-bookings.js';
import { clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv } from '../wiring.js';

/** The fleet's side of bookings, wired once for the functions that serve it. */
export const vehicleBookings = makeVehicleBookings({
  requests: requestStoreFromEnv(),
  fleet: fleetStoreFromEnv(),
  directory: directoryFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
});
