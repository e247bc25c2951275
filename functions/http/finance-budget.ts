import { financeFromEnv } from '../finance-wiring.js';
import { financeBudget as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const finance = financeFromEnv();

/** GET /finance/budget?year=YYYY — budget, committed, paid and 집행률 per budget line. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await finance.budget({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
