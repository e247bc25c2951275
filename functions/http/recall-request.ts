import { makeRecallRequest } from '../../shared/use-cases/recall-request.js';
import { log } from '../observability.js';
import { clockFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';
import { recallRequest as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const recallRequest = makeRecallRequest({ requests: requestStoreFromEnv(), workflows: workflowsFromEnv(), clock: clockFromEnv(), log: log.warn });

/** POST /requests/{id}/recall — 회수: the requester takes the request back before anyone decided, to edit and resubmit. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await recallRequest({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
