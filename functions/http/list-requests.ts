import { makeListRequests } from '../../shared/use-cases/read-requests.js';
import { requestStoreFromEnv } from '../wiring.js';
import { listRequests as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const listRequests = makeListRequests({ requests: requestStoreFromEnv() });

/** GET /requests?limit=&nextToken= — the caller's own requests, newest first. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await listRequests({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
