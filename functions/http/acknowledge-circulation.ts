import { makeCirculation } from '../../shared/use-cases/circulation.js';
import { clockFromEnv, requestStoreFromEnv } from '../wiring.js';
import { acknowledgeCirculation as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const circulation = makeCirculation({ requests: requestStoreFromEnv(), clock: clockFromEnv() });

/** POST /circulation/{requestId}/ack — 확인: the caller confirms reading a request on their circulation list. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await circulation.ack({ callerId: callerId(event), requestId: params.requestId, body: jsonBody(event) })),
);
