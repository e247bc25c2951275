import { makeWithdrawRequest } from '../../shared/use-cases/withdraw-request.js';
import { log } from '../observability.js';
import { clockFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';
import { withdrawRequest as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const withdrawRequest = makeWithdrawRequest({
  requests: requestStoreFromEnv(),
  workflows: workflowsFromEnv(),
  clock: clockFromEnv(),
  log: log.warn,
});

/** POST /requests/{id}/withdraw — by the requester, while in review. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await withdrawRequest({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
