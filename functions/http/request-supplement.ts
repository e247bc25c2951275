import { supplementRequestFromEnv } from '../approval-wiring.js';
import { requestSupplement as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const supplement = supplementRequestFromEnv();

/** POST /approvals/{requestId}/supplement-request — 보완 요청: the holder asks the requester for a document or a correction. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await supplement.request({ callerId: callerId(event), requestId: params.requestId, body: jsonBody(event) })),
);
