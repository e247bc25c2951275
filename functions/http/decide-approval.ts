import { approvals } from './approvals.js';
import { callerId, json, jsonApi, jsonBody, pathParameter } from './http-api.js';

/** POST /approvals/{requestId}/decision — the same single-use decision as the email link, for the signed-in holder. */
export const handler = jsonApi(async (event) =>
  json(200, await approvals.decide({ callerId: callerId(event), requestId: pathParameter(event, 'requestId'), body: jsonBody(event) })),
);
