import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { dynamoDb } from '../shared/adapters/aws/dynamodb-client.js';
import { readConfig } from '../shared/kernel/config.js';
import { seoulDate } from '../shared/kernel/seoul-time.js';
import { officePolicy } from '../shared/policies/office-policy.js';
import type { ReportStore } from '../shared/ports/finance-store.js';
import { makeDynamoDbFinanceStore } from '../shared/store/dynamodb-finance-store.js';
import { makeFinance } from '../shared/use-cases/finance.js';
import { onFirstUse } from './on-first-use.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from './wiring.js';

/** Finance's use cases, wired once per function. */
export function financeFromEnv() {
  const { TABLE_NAME } = readConfig({ TABLE_NAME: z.string().min(1) });
  return makeFinance({
    requests: requestStoreFromEnv(),
    finance: makeDynamoDbFinanceStore(dynamoDb, TABLE_NAME),
    directory: directoryFromEnv(),
    clock: clockFromEnv(),
    policy: officePolicy,
    ids: { batchId: (now) => `PAY-${seoulDate(now).replaceAll('-', '')}-${randomBytes(3).toString('hex').toUpperCase()}` },
  });
}

/** `REPORT_STORE`: `s3` (AWS: `REPORTS_BUCKET`) or `files` (locally: `REPORTS_DIR`). */
export function reportStoreFromEnv(): ReportStore {
  const { REPORT_STORE } = readConfig({ REPORT_STORE: z.enum(['s3', 'files']) });
  const bucket = REPORT_STORE === 's3' ? readConfig({ REPORTS_BUCKET: z.string().min(1) }).REPORTS_BUCKET : undefined;
  const dir = REPORT_STORE === 'files' ? readConfig({ REPORTS_DIR: z.string().min(1) }).REPORTS_DIR : undefined;
  // S3 loads with the first report read or written, not at every cold start.
  return onFirstUse<ReportStore>(
    async () => {
      const stores = await import('../shared/adapters/report-stores.js');
      if (bucket) return stores.makeS3ReportStore((await import('../shared/adapters/aws/s3-client.js')).s3, bucket);
      return stores.makeFileReportStore(dir ?? '');
    },
    { put: true, get: true },
  );
}
