import { randomIds } from '../../shared/adapters/system.js';
import { log } from '../../shared/kernel/log.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeSubmitRequest } from '../../shared/use-cases/submit-request.js';
import { chatFromEnv } from '../chat-wiring.js';
import { optionalMailerFromEnv } from '../mail-wiring.js';
import { clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';
import { callerId, header, json, jsonApi, jsonBody } from './http-api.js';

const submitRequest = makeSubmitRequest({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  workflows: workflowsFromEnv(),
  clock: clockFromEnv(),
  ids: randomIds,
  policy: officePolicy,
  fleet: fleetStoreFromEnv(),
  mailer: optionalMailerFromEnv(),
  chat: chatFromEnv(),
  log: log.warn,
});

/** POST /requests — 201 with the stored request; a replayed Idempotency-Key returns the first result with 200. */
export const handler = jsonApi(async (event) => {
  const { request, replayed } = await submitRequest({
    callerId: callerId(event),
    body: jsonBody(event),
    idempotencyKey: header(event, 'idempotency-key'),
  });
  return json(replayed ? 200 : 201, request, {
    location: `/requests/${request.id}`,
    ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
});
