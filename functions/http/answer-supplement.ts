import { log } from '../../shared/kernel/log.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeSupplementAnswer } from '../../shared/use-cases/supplement.js';
import { documentFilesFromEnv } from '../documents-wiring.js';
import { mailerFromEnv } from '../mail-wiring.js';
import { attachmentStoreFromEnv, clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';
import { answerSupplement as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const supplement = makeSupplementAnswer({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  workflows: workflowsFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  fleet: fleetStoreFromEnv(),
  attachments: attachmentStoreFromEnv(),
  files: documentFilesFromEnv(),
  mailer: mailerFromEnv(),
  log: log.warn,
});

/** POST /requests/{id}/supplement — the requester answers a 보완 요청 (documents, changed fields); the same step continues. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await supplement.answer({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
