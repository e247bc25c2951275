import * as z from 'zod';
import { s3 } from '../shared/adapters/aws/s3-client.js';
import { makeS3DocumentFiles } from '../shared/adapters/s3-document-files.js';
import { readConfig } from '../shared/kernel/config.js';
import { clockFromEnv } from './wiring.js';

/** The documents' files: `DOCUMENTS_BUCKET`, and `HEALTH_DOCUMENTS_BUCKET` for health kinds (set by the stack, or the local runtime). */
export function documentFilesFromEnv() {
  const { DOCUMENTS_BUCKET, HEALTH_DOCUMENTS_BUCKET } = readConfig({
    DOCUMENTS_BUCKET: z.string().min(1),
    HEALTH_DOCUMENTS_BUCKET: z.string().min(1),
  });
  return makeS3DocumentFiles(s3, { documents: DOCUMENTS_BUCKET, healthDocuments: HEALTH_DOCUMENTS_BUCKET }, clockFromEnv());
}
