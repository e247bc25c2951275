import { facilityBudget as operation } from './contract/operations.js';
import { facilityWork } from './facility.js';
import { callerId, jsonApi, reply } from './http-api.js';

/** GET /facilities/budget?year=YYYY — budget, committed, spent and outstanding per building budget line. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await facilityWork.budget({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
