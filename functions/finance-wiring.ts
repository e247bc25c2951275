import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { dynamoDb } from '../shared/adapters/aws/dynamodb-client.js';
import { s3 } from '../shared/adapters/aws/s3-client.js';
import { makeFileReportStore, makeS3ReportStore } from '../shared/adapters/report-stores.js';
import { readConfig } from '../shared/kernel/config.js';
import { seoulDate } from '../shared/kernel/seoul-time.js';
import { officePolicy } from '../shared/policies/office-policy.js';
import type { ReportStore } from '../shared/ports/finance-store.js';
import { makeDynamoDbFinanceStore } from '../shared/store/dynamodb-finance-store.js';
import { makeFinance } from '../shared/use-cases/finance.js';
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
  return REPORT_STORE === 's3'
    ? makeS3ReportStore(s3, readConfig({ REPORTS_BUCKET: z.string().min(1) }).REPORTS_BUCKET)
    : makeFileReportStore(readConfig({ REPORTS_DIR: z.string().min(1) }).REPORTS_DIR);
}
