import { randomIds } from '../../shared/adapters/system.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeSubmitRequest } from '../../shared/use-cases/submit-request.js';
import { chatFromEnv } from '../chat-wiring.js';
import { documentFilesFromEnv } from '../documents-wiring.js';
import { optionalMailerFromEnv } from '../mail-wiring.js';
import { correlate, log } from '../observability.js';
import { attachmentStoreFromEnv, clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';
import { submitRequest as operation } from './contract/operations.js';
import { callerId, header, jsonApi, jsonBody, reply } from './http-api.js';

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
  attachments: attachmentStoreFromEnv(),
  files: documentFilesFromEnv(),
  log: log.warn,
});

/** POST /requests — 201 with the stored request; a replayed Idempotency-Key returns the first result with 200. */
export const handler = jsonApi(operation, async (event) => {
  const { request, replayed } = await submitRequest({
    callerId: callerId(event),
    body: jsonBody(event),
    idempotencyKey: header(event, 'idempotency-key'),
  });
  const location = `/requests/${request.id}`;
  correlate({ requestId: request.id }); // its id exists from here: this line on, the logs carry it
  return replayed ? reply(operation, 200, request, { location, 'idempotent-replayed': 'true' }) : reply(operation, 201, request, { location });
});
