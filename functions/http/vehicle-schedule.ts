import { callerId, json, jsonApi, pathParameter } from './http-api.js';
import { vehicleBookings } from './vehicles.js';

/** GET /vehicles/{id}/bookings[?from=&to=] — a vehicle's bookings and its last odometer reading. */
export const handler = jsonApi(async (event) =>
  json(
    200,
    await vehicleBookings.schedule({ callerId: callerId(event), vehicleId: pathParameter(event, 'id'), query: event.queryStringParameters ?? {} }),
  ),
);
