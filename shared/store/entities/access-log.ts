import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { seoulDate } from '../../kernel/seoul-time.js';
import type { AccessEntry } from '../../ports/request-store.js';
import { readTargetSchema } from '../../requests/history.js';
import { type GuardedItem, toEpochSeconds, ttlAttribute } from './transact.js';

/**
 * The access log (개인정보 접속기록, 안전성 확보조치 기준 §8): one item per recorded read,
 * `ACCESS#<Seoul month>` / `AT#<at>#<request>#<reader>`, so a period reads month partition by month
 * partition. Written with the read's `viewed` history event, in one transaction. Kept three years
 * (the law asks two; the table's TTL removes it after) and never destroyed with the request it concerns.
 */
export const ACCESS_LOG_YEARS = 3;

export const accessPartition = (month: string) => `ACCESS#${month}`;
/** Where an entry sits; `accessId` (given at write) tells apart two reads in the same millisecond. */
export const accessKey = (entry: Pick<AccessEntry, 'at' | 'requestId' | 'readerId'> & { accessId?: string }) => ({
  pk: accessPartition(seoulDate(new Date(entry.at)).slice(0, 7)),
  sk: `AT#${entry.at}#${entry.requestId}#${entry.readerId}#${entry.accessId ?? ''}`,
});

const accessSchema = z.object({
  at: z.string(),
  requestId: z.string(),
  kind: z.string(),
  readerId: z.string(),
  readerName: z.string().optional(),
  channel: z.string(),
  scope: z.enum(['line', 'role', 'unit', 'circulation', 'audit']),
  purpose: z.string().optional(),
  target: readTargetSchema.optional(),
  documentType: z.string().optional(),
  accessId: z.string().optional(),
});

export const readAccess = (item: Record<string, unknown>): AccessEntry => accessSchema.parse(item);

export function putAccess(tableName: string, entry: AccessEntry): GuardedItem {
  const expires = new Date(Date.parse(entry.at) + ACCESS_LOG_YEARS * 366 * 86_400_000).toISOString();
  const stored = { ...entry, accessId: entry.accessId ?? randomBytes(4).toString('hex') };
  return {
    guard: { entity: 'event' },
    item: {
      Put: {
        TableName: tableName,
        Item: { ...accessKey(stored), ...stored, [ttlAttribute]: toEpochSeconds(expires) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}
