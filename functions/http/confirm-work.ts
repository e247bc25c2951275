import { confirmWork as operation } from './contract/operations.js';
import { facilityWork } from './facility.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

/** POST /requests/{id}/confirmation — the requester confirms the repair, or sends it back. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await facilityWork.confirm({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
