import { vehicleSchedule as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';
import { vehicleBookings } from './vehicles.js';

/** GET /vehicles/{id}/bookings[?from=&to=] — a vehicle's bookings and its last odometer reading. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(
    operation,
    200,
    await vehicleBookings.schedule({ callerId: callerId(event), vehicleId: params.id, query: event.queryStringParameters ?? {} }),
  ),
);
