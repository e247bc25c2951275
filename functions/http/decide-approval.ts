import { approvals } from './approvals.js';
import { decideApproval as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

/** POST /approvals/{requestId}/decision — the same single-use decision as the email link, for the signed-in holder. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await approvals.decide({ callerId: callerId(event), requestId: params.requestId, body: jsonBody(event) })),
);
