import { financeFromEnv } from '../finance-wiring.js';
import { callerId, json, jsonApi } from './http-api.js';

const finance = financeFromEnv();

/** GET /finance/budget?year=YYYY — budget, committed, paid and 집행률 per budget line. */
export const handler = jsonApi(async (event) =>
  json(200, await finance.budget({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
