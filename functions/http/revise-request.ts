import { callerId, json, jsonApi, jsonBody, pathParameter } from './http-api.js';
import { revisions } from './revisions.js';

/** PUT /requests/{id} — the requester revises a returned (반려) request; the earlier content stays in the history. */
export const handler = jsonApi(async (event) =>
  json(200, await revisions.revise({ callerId: callerId(event), requestId: pathParameter(event, 'id'), body: jsonBody(event) })),
);
