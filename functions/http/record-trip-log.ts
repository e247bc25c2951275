import { recordTripLog as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';
import { vehicleBookings } from './vehicles.js';

/** POST /requests/{id}/trip-log — 운행일지: odometer out and in, fuel; completes the booking. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await vehicleBookings.recordTripLog({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
