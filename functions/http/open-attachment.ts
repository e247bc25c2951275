import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeOpenAttachment } from '../../shared/use-cases/attachments.js';
import { documentFilesFromEnv } from '../documents-wiring.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { openAttachment as operation } from './contract/operations.js';
import { callerId, jsonApi } from './http-api.js';

const openAttachment = makeOpenAttachment({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  clock: clockFromEnv(),
  files: documentFilesFromEnv(),
  policy: officePolicy,
});

/** GET /requests/{id}/attachments/{attachmentId} — 303 to a download URL valid 5 minutes, for those who may read the request and auditors. */
export const handler = jsonApi(operation, async (event, { params }) => {
  const { location } = await openAttachment({
    callerId: callerId(event),
    requestId: params.id,
    attachmentId: params.attachmentId,
    query: event.queryStringParameters ?? {},
  });
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' };
});
