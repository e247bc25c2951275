import { financeFromEnv } from '../finance-wiring.js';
import { financePayments as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const finance = financeFromEnv();

/** POST /finance/payments {requestIds} — finance marks approved reimbursements paid, each exactly once. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await finance.pay({ callerId: callerId(event), body: jsonBody(event) })),
);
