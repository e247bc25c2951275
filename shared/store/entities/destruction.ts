import * as z from 'zod';
import { seoulDate } from '../../kernel/seoul-time.js';
import type { DestructionEntry } from '../../ports/request-store.js';
import type { GuardedItem } from './transact.js';

/**
 * The 파기 대장: one item per destruction, `DESTRUCTION#<Seoul year>` / `AT#<at>#<request>`, written in
 * the destruction's own transaction. Non-personal (kind, 문서번호, the rule, which fields), kept for good.
 */
export const destructionPartition = (year: string) => `DESTRUCTION#${year}`;

const destructionSchema = z.object({
  at: z.string(),
  requestId: z.string(),
  kind: z.string(),
  registrationNumber: z.string().optional(),
  rule: z.string(),
  fields: z.array(z.string()),
  documents: z.int().nonnegative(),
  words: z.boolean(),
});

export const readDestruction = (item: Record<string, unknown>): DestructionEntry => destructionSchema.parse(item);

export function putDestruction(tableName: string, entry: DestructionEntry): GuardedItem {
  return {
    guard: { entity: 'event' },
    item: {
      Put: {
        TableName: tableName,
        Item: { pk: destructionPartition(seoulDate(new Date(entry.at)).slice(0, 4)), sk: `AT#${entry.at}#${entry.requestId}`, ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}
