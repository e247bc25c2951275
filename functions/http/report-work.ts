import { facilityWork } from './facility.js';
import { callerId, json, jsonApi, jsonBody, pathParameter } from './http-api.js';

/** POST /requests/{id}/work-report — the managing unit reports a repair done, with its actual cost. */
export const handler = jsonApi(async (event) =>
  json(200, await facilityWork.report({ callerId: callerId(event), requestId: pathParameter(event, 'id'), body: jsonBody(event) })),
);
