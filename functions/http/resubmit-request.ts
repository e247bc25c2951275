import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeResubmitRequest } from '../../shared/use-cases/revise-request.js';
import { clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';
import { resubmitRequest as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const resubmit = makeResubmitRequest({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  workflows: workflowsFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  fleet: fleetStoreFromEnv(),
});

/** POST /requests/{id}/resubmit — a returned request goes through a freshly resolved line as a new round. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await resubmit({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
