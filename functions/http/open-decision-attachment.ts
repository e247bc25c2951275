import { officePolicy } from '../../shared/policies/office-policy.js';
import { kindById } from '../../shared/requests/kinds/index.js';
import { makeDecisionLinks } from '../../shared/use-cases/decision-links.js';
import { documentFilesFromEnv } from '../documents-wiring.js';
import { clockFromEnv, requestStoreFromEnv } from '../wiring.js';
import { openDecisionAttachment as operation } from './contract/operations.js';
import { htmlApi } from './http-api.js';

const decisionLinks = makeDecisionLinks({ requests: requestStoreFromEnv(), clock: clockFromEnv() });
const files = documentFilesFromEnv();

/** GET /decisions/{linkId}/attachments/{attachmentId} — a document on the decision page, while its link is open (pages for what goes wrong). */
export const handler = htmlApi(operation, async (_event, { params }) => {
  const { opened, attachment } = await decisionLinks.openDocument(params.linkId, params.attachmentId);
  const location = await files.downloadUrl(
    {
      id: attachment.id,
      sensitive: kindById(opened.request.kind).privacy.sensitive,
      fileName: attachment.fileName,
      contentType: attachment.contentType,
    },
    officePolicy.documents.downloadUrlMinutes * 60,
  );
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' };
});
