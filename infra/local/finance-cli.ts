import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { systemClock } from '../../shared/adapters/system.js';
import { readConfig } from '../../shared/kernel/config.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeDynamoDbDirectory } from '../../shared/store/dynamodb-directory.js';
import { makeDynamoDbFinanceStore } from '../../shared/store/dynamodb-finance-store.js';
import { makeDynamoDbRequestStore } from '../../shared/store/dynamodb-request-store.js';
import { makeFinance } from '../../shared/use-cases/finance.js';

/**
 * Finance commands against the running local backend:
 *   npm run reconcile -- --month 2026-10     recompute a month from its events; exit 1 on any difference
 *   npm run monthly-report                   run the monthly report's schedule now (the previous month)
 */
const { DATA_DIR } = readConfig({ DATA_DIR: z.string().min(1).default('.local') });
const runtime = z
  // The access key selects the runtime's database on a DynamoDB Local shared by several runtimes (tests).
  .object({ apiUrl: z.string(), dynamoDbEndpoint: z.string(), dynamoDbAccessKeyId: z.string().default('local'), tableName: z.string() })
  .parse(JSON.parse(await readFile(join(DATA_DIR, 'runtime.json'), 'utf8').catch(() => '{}')));
const [command] = process.argv.slice(2);

if (command === 'reconcile') {
  const { values } = parseArgs({ args: process.argv.slice(3), options: { month: { type: 'string' } } });
  if (!values.month) {
    console.error('usage: npm run reconcile -- --month YYYY-MM');
    process.exit(2);
  }
  const client = new DynamoDBClient({
    endpoint: runtime.dynamoDbEndpoint,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: runtime.dynamoDbAccessKeyId, secretAccessKey: 'local' },
  });
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const finance = makeFinance({
    requests: makeDynamoDbRequestStore(db, runtime.tableName),
    finance: makeDynamoDbFinanceStore(db, runtime.tableName),
    directory: makeDynamoDbDirectory(db, runtime.tableName),
    clock: systemClock,
    policy: officePolicy,
    ids: { batchId: () => 'unused' },
  });
  const result = await finance.reconcile(values.month);
  console.log(JSON.stringify(result, null, 2));
  client.destroy();
  process.exit(result.differences.length === 0 ? 0 : 1);
} else if (command === 'monthly-report') {
  const listed = z
    .object({ schedules: z.array(z.object({ rule: z.string() })) })
    .parse(await (await fetch(`${runtime.apiUrl}/_local/schedules`)).json());
  const rule = listed.schedules.find((schedule) => schedule.rule.includes('FirstOfMonth'))?.rule;
  if (!rule) throw new Error('the monthly report schedule is not in the template');
  const ran = await fetch(`${runtime.apiUrl}/_local/schedules/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rule }),
  });
  console.log(await ran.text());
} else {
  console.error('usage: npm run reconcile -- --month YYYY-MM | npm run monthly-report');
  process.exit(2);
}
