import { callerId, json, jsonApi, jsonBody, pathParameter } from './http-api.js';
import { vehicleBookings } from './vehicles.js';

/** POST /requests/{id}/cancel — the requester cancels an approved booking before the trip; the vehicle is free again. */
export const handler = jsonApi(async (event) =>
  json(200, await vehicleBookings.cancel({ callerId: callerId(event), requestId: pathParameter(event, 'id'), body: jsonBody(event) })),
);
