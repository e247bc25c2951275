import { makeCirculation } from '../../shared/use-cases/circulation.js';
import { clockFromEnv, requestStoreFromEnv } from '../wiring.js';
import { listCirculation as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const circulation = makeCirculation({ requests: requestStoreFromEnv(), clock: clockFromEnv() });

/** GET /circulation?limit=&nextToken= — what the caller reads for information (공람·참조), newest first. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await circulation.list({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
