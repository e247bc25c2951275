import { log } from '../../shared/kernel/log.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeReviseRequest } from '../../shared/use-cases/revise-request.js';
import { documentFilesFromEnv } from '../documents-wiring.js';
import { mailerFromEnv } from '../mail-wiring.js';
import { attachmentStoreFromEnv, clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv } from '../wiring.js';
import { reviseRequest as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const revise = makeReviseRequest({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  fleet: fleetStoreFromEnv(),
  attachments: attachmentStoreFromEnv(),
  files: documentFilesFromEnv(),
  mailer: mailerFromEnv(),
  log: log.warn,
});

/** PUT /requests/{id} — the requester revises a returned (반려) request, adding documents if need be; the earlier content stays in the history. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await revise({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
