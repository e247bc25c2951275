import { callerId, json, jsonApi, jsonBody, pathParameter } from './http-api.js';
import { vehicleBookings } from './vehicles.js';

/** POST /requests/{id}/trip-log — 운행일지: odometer out and in, fuel; completes the booking. */
export const handler = jsonApi(async (event) =>
  json(200, await vehicleBookings.recordTripLog({ callerId: callerId(event), requestId: pathParameter(event, 'id'), body: jsonBody(event) })),
);
