import * as z from 'zod';
import { readConfig } from '../shared/kernel/config.js';
import type { DocumentFiles } from '../shared/ports/document-files.js';
import { onFirstUse } from './on-first-use.js';
import { clockFromEnv } from './wiring.js';

/** The documents' files: `DOCUMENTS_BUCKET`, and `HEALTH_DOCUMENTS_BUCKET` for health kinds (set by the stack, or the local runtime). */
export function documentFilesFromEnv() {
  const { DOCUMENTS_BUCKET, HEALTH_DOCUMENTS_BUCKET } = readConfig({
    DOCUMENTS_BUCKET: z.string().min(1),
    HEALTH_DOCUMENTS_BUCKET: z.string().min(1),
  });
  const clock = clockFromEnv();
  // S3 loads with the first document call, not at every cold start.
  return onFirstUse<DocumentFiles>(
    async () => {
      const [{ s3 }, { makeS3DocumentFiles }] = await Promise.all([
        import('../shared/adapters/aws/s3-client.js'),
        import('../shared/adapters/s3-document-files.js'),
      ]);
      return makeS3DocumentFiles(s3, { documents: DOCUMENTS_BUCKET, healthDocuments: HEALTH_DOCUMENTS_BUCKET }, clock);
    },
    { uploadUrl: true, downloadUrl: true, inspect: true, keep: true, destroy: true },
  );
}
