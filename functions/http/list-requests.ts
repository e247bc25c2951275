import { makeListRequests } from '../../shared/use-cases/read-requests.js';
import { requestStoreFromEnv } from '../wiring.js';
import { callerId, json, jsonApi } from './http-api.js';

const listRequests = makeListRequests({ requests: requestStoreFromEnv() });

/** GET /requests?limit=&nextToken= — the caller's own requests, newest first. */
export const handler = jsonApi(async (event) =>
  json(200, await listRequests({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
