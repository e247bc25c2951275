import { facilityWork } from './facility.js';
import { callerId, json, jsonApi, jsonBody, pathParameter } from './http-api.js';

/** POST /requests/{id}/confirmation — the requester confirms the repair, or sends it back. */
export const handler = jsonApi(async (event) =>
  json(200, await facilityWork.confirm({ callerId: callerId(event), requestId: pathParameter(event, 'id'), body: jsonBody(event) })),
);
