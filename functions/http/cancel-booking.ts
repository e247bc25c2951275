import { cancelBooking as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';
import { vehicleBookings } from './vehicles.js';

/** POST /requests/{id}/cancel — the requester cancels an approved booking before the trip; the vehicle is free again. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await vehicleBookings.cancel({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
