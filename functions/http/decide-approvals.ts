import { approvalsFromEnv } from './approvals.js';
import { decideApprovals as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const approvals = approvalsFromEnv();

/** POST /approvals/decisions — 일괄 결재: up to 50 of the caller's waiting steps, each decided as a single decision is. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await approvals.decideMany({ callerId: callerId(event), body: jsonBody(event) })),
);
