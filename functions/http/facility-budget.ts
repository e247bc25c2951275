import { facilityWork } from './facility.js';
import { callerId, json, jsonApi } from './http-api.js';

/** GET /facilities/budget?year=YYYY — budget, committed, spent and outstanding per building budget line. */
export const handler = jsonApi(async (event) =>
  json(200, await facilityWork.budget({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
