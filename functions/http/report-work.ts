import { reportWork as operation } from './contract/operations.js';
import { facilityWork } from './facility.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

/** POST /requests/{id}/work-report — the managing unit reports a repair done, with its actual cost. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await facilityWork.report({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
