import { approvalsFromEnv } from './approvals.js';
import { skipApprovalStep as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const approvals = approvalsFromEnv();

/** POST /approvals/{requestId}/skip — §9: skip an absent reviewer, with the reason on record. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await approvals.skip({ callerId: callerId(event), requestId: params.requestId, body: jsonBody(event) })),
);
