import { reviseRequest as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';
import { revisions } from './revisions.js';

/** PUT /requests/{id} — the requester revises a returned (반려) request; the earlier content stays in the history. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await revisions.revise({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
