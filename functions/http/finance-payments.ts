import { financeFromEnv } from '../finance-wiring.js';
import { callerId, json, jsonApi, jsonBody } from './http-api.js';

const finance = financeFromEnv();

/** POST /finance/payments {requestIds} — finance marks approved reimbursements paid, each exactly once. */
export const handler = jsonApi(async (event) => json(200, await finance.pay({ callerId: callerId(event), body: jsonBody(event) })));
