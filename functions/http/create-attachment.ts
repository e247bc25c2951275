import { newAttachmentId } from '../../shared/adapters/system.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeCreateAttachment } from '../../shared/use-cases/attachments.js';
import { documentFilesFromEnv } from '../documents-wiring.js';
import { attachmentStoreFromEnv, clockFromEnv, directoryFromEnv } from '../wiring.js';
import { createAttachment as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const createAttachment = makeCreateAttachment({
  attachments: attachmentStoreFromEnv(),
  files: documentFilesFromEnv(),
  directory: directoryFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  newId: newAttachmentId,
});

/** POST /attachments — declares a document and returns its presigned upload URL. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 201, await createAttachment({ callerId: callerId(event), body: jsonBody(event) })),
);
