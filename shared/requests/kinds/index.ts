import { facilityRepair } from './facility-repair.js';
import { healthCheckup } from './health-checkup.js';
import { infertilityTreatment } from './infertility-treatment.js';
import { personnelTransfer } from './personnel-transfer.js';
import type { RequestKind } from './request-kind.js';
import { vehicleBooking } from './vehicle-booking.js';

/** Every kind the backend accepts, by its `kind` value. */
export const requestKinds: Record<string, RequestKind> = {
  [healthCheckup.kind]: healthCheckup as unknown as RequestKind,
  [infertilityTreatment.kind]: infertilityTreatment as unknown as RequestKind,
  [personnelTransfer.kind]: personnelTransfer as unknown as RequestKind,
  [facilityRepair.kind]: facilityRepair as unknown as RequestKind,
  [vehicleBooking.kind]: vehicleBooking as unknown as RequestKind,
};

export function kindOf(kind: string): RequestKind {
  const definition = requestKinds[kind];
  if (!definition) throw new Error(`unknown request kind ${kind}`);
  return definition;
}
