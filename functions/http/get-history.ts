import { makeGetHistory } from '../../shared/use-cases/read-requests.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { getHistory as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const getHistory = makeGetHistory({ requests: requestStoreFromEnv(), directory: directoryFromEnv(), clock: clockFromEnv() });

/** GET /requests/{id}/history — the request's append-only record, for the people on it only. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await getHistory({ callerId: callerId(event), requestId: params.id, query: event.queryStringParameters ?? {} })),
);
