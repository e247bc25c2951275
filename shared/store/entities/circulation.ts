import * as z from 'zod';
import type { CirculationEntry, CirculationKey } from '../../ports/request-store.js';
import type { GuardedItem } from './transact.js';

/**
 * A request someone reads for information (공람·참조): `CIRCULATION#<person>` / `AT#<since>#<request>`,
 * so a person's list reads newest first from one partition. The request's own `readers` list is
 * what grants the reading; these items are its per-person index, written in the same transaction.
 */
export const circulationKey = (key: CirculationKey) => ({ pk: `CIRCULATION#${key.personId}`, sk: `AT#${key.since}#${key.requestId}` });
export const circulationPartition = (personId: string) => `CIRCULATION#${personId}`;

const circulationSchema = z.object({
  personId: z.string(),
  requestId: z.string(),
  kind: z.string(),
  requesterName: z.string(),
  as: z.enum(['cc', 'circulation']),
  since: z.string(),
  ackedAt: z.string().optional(),
});

export const readCirculation = (item: Record<string, unknown>): CirculationEntry => circulationSchema.parse(item);

/** Writes (or rewrites, with its 확인) one person's entry for one request. */
export function putCirculation(tableName: string, entry: CirculationEntry): GuardedItem {
  return { guard: { entity: 'request' }, item: { Put: { TableName: tableName, Item: { ...circulationKey(entry), ...entry } } } };
}

/** Takes a request off a person's list (a copy the requester withdrew on revision). */
export function deleteCirculation(tableName: string, key: CirculationKey): GuardedItem {
  return { guard: { entity: 'request' }, item: { Delete: { TableName: tableName, Key: circulationKey(key) } } };
}
