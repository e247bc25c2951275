import { makeGetRequest } from '../../shared/use-cases/read-requests.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { getRequest as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const getRequest = makeGetRequest({ requests: requestStoreFromEnv(), directory: directoryFromEnv(), clock: clockFromEnv() });

/** GET /requests/{id} — the request with its steps and history, for the people on it only. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await getRequest({ callerId: callerId(event), requestId: params.id, query: event.queryStringParameters ?? {} })),
);
