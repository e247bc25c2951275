import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeAddAttachments } from '../../shared/use-cases/attachments.js';
import { documentFilesFromEnv } from '../documents-wiring.js';
import { optionalMailerFromEnv } from '../mail-wiring.js';
import { log } from '../observability.js';
import { attachmentStoreFromEnv, clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { addAttachments as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const addAttachments = makeAddAttachments({
  requests: requestStoreFromEnv(),
  attachments: attachmentStoreFromEnv(),
  files: documentFilesFromEnv(),
  directory: directoryFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  mailer: optionalMailerFromEnv(),
  log: log.warn,
});

/** POST /requests/{id}/attachments — the requester adds documents while the request is in review or returned. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await addAttachments({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
