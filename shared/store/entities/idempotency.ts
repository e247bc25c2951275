import * as z from 'zod';
import { type GuardedItem, toEpochSeconds, ttlAttribute } from './transact.js';

/**
 * A submission's Idempotency-Key: `IDEMPOTENCY#<personId>#<key>` / `IDEMPOTENCY`, pointing at the
 * request it created and the hash of the body, kept a day (TTL).
 */
export const idempotencyKey = (personId: string, key: string) => ({ pk: `IDEMPOTENCY#${personId}#${key}`, sk: 'IDEMPOTENCY' });

const RETENTION_HOURS = 24;

export const readIdempotency = (item: Record<string, unknown>) => z.object({ requestId: z.string(), bodyHash: z.string() }).parse(item);

export function putIdempotency(
  tableName: string,
  record: { requesterId: string; key: string; bodyHash: string; requestId: string; createdAt: string },
): GuardedItem {
  const expires = new Date(Date.parse(record.createdAt) + RETENTION_HOURS * 3_600_000).toISOString();
  return {
    guard: { entity: 'idempotency' },
    item: {
      Put: {
        TableName: tableName,
        Item: {
          ...idempotencyKey(record.requesterId, record.key),
          requestId: record.requestId,
          bodyHash: record.bodyHash,
          [ttlAttribute]: toEpochSeconds(expires),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}
