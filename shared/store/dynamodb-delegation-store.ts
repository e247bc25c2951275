import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Delegation, DelegationStore } from '../ports/ports.js';
import { queryDueTimers, timerShards } from './due-timers.js';
import { keys } from './table-layout.js';

const delegationSchema = z.object({
  principalId: z.string(),
  deputyId: z.string(),
  from: z.iso.date(),
  to: z.iso.date(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  pendingTimer: z.object({ kind: z.enum(['start', 'end']), at: z.string() }).optional(),
});

/** 대결 delegations: one item per principal and start date; a pending start/end sits on the "due timers" index. */
export function makeDynamoDbDelegationStore(db: DynamoDBDocumentClient, tableName: string): DelegationStore {
  const timerAttributes = (timer: Delegation['pendingTimer']) => (timer ? { timerShard: timerShards.delegation, nextTimerAt: timer.at } : {});

  return {
    async put(delegation) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.delegation(delegation.principalId, delegation.from), ...delegation, ...timerAttributes(delegation.pendingTimer) },
        }),
      );
    },

    async listFor(principalId) {
      const { pk, skPrefix } = keys.delegationPrefix(principalId);
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
          ConsistentRead: true,
        }),
      );
      return (Items ?? []).map((item) => delegationSchema.parse(item));
    },

    async due(now, limit) {
      return (await queryDueTimers(db, tableName, timerShards.delegation, now, limit)).map((item) => delegationSchema.parse(item));
    },

    async remove(principalId, from) {
      const { Attributes } = await db.send(
        new DeleteCommand({ TableName: tableName, Key: keys.delegation(principalId, from), ReturnValues: 'ALL_OLD' }),
      );
      return Attributes !== undefined;
    },

    async setTimer(principalId, from, timer) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.delegation(principalId, from),
          ...(timer
            ? {
                UpdateExpression: 'SET pendingTimer = :timer, timerShard = :shard, nextTimerAt = :at',
                ExpressionAttributeValues: { ':timer': timer, ':shard': timerShards.delegation, ':at': timer.at },
              }
            : { UpdateExpression: 'REMOVE pendingTimer, timerShard, nextTimerAt' }),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    },
  };
}
