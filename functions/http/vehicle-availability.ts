import { callerId, json, jsonApi } from './http-api.js';
import { vehicleBookings } from './vehicles.js';

/** GET /vehicles/availability?class=&from=&to=[&passengers=] — free vehicles of a class for a window, best fit first. */
export const handler = jsonApi(async (event) =>
  json(200, await vehicleBookings.availability({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
