import { callerId, json, jsonApi, jsonBody, pathParameter } from './http-api.js';
import { revisions } from './revisions.js';

/** POST /requests/{id}/resubmit — a returned request goes through a freshly resolved line as a new round. */
export const handler = jsonApi(async (event) =>
  json(200, await revisions.resubmit({ callerId: callerId(event), requestId: pathParameter(event, 'id'), body: jsonBody(event) })),
);
