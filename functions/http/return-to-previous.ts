import { returnToPreviousFromEnv } from '../approval-wiring.js';
import { returnToPrevious as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const returnToPrevious = returnToPreviousFromEnv();

/** POST /approvals/{requestId}/return-to-previous — 전단계 반려: the earlier stage decides again. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await returnToPrevious.byHolder({ callerId: callerId(event), requestId: params.requestId, body: jsonBody(event) })),
);
