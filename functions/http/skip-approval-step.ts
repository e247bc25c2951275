import { approvals } from './approvals.js';
import { callerId, json, jsonApi, jsonBody, pathParameter } from './http-api.js';

/** POST /approvals/{requestId}/skip — §9: skip an absent reviewer, with the reason on record. */
export const handler = jsonApi(async (event) =>
  json(200, await approvals.skip({ callerId: callerId(event), requestId: pathParameter(event, 'requestId'), body: jsonBody(event) })),
);
