import { resubmitRequest as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';
import { revisions } from './revisions.js';

/** POST /requests/{id}/resubmit — a returned request goes through a freshly resolved line as a new round. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await revisions.resubmit({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
