import { log } from '../../shared/kernel/log.js';
import { makeWithdrawRequest } from '../../shared/use-cases/withdraw-request.js';
import { clockFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';
import { callerId, json, jsonApi, jsonBody, pathParameter } from './http-api.js';

const withdrawRequest = makeWithdrawRequest({
  requests: requestStoreFromEnv(),
  workflows: workflowsFromEnv(),
  clock: clockFromEnv(),
  log: log.warn,
});

/** POST /requests/{id}/withdraw — by the requester, while in review. */
export const handler = jsonApi(async (event) =>
  json(200, await withdrawRequest({ callerId: callerId(event), requestId: pathParameter(event, 'id'), body: jsonBody(event) })),
);
