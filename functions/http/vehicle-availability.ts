import { vehicleAvailability as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';
import { vehicleBookings } from './vehicles.js';

/** GET /vehicles/availability?class=&from=&to=[&passengers=] — free vehicles of a class for a window, best fit first. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await vehicleBookings.availability({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
