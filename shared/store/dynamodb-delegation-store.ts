import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DelegationStore } from '../ports/delegation-store.js';
import { delegationItem, delegationKey, delegationPrefix, delegationSchema } from './entities/delegation.js';
import { queryDueTimers, timerShards } from './entities/timers.js';

/** 대결 delegations: one item per principal and start date; a pending start/end sits on the "due timers" index. */
export function makeDynamoDbDelegationStore(db: DynamoDBDocumentClient, tableName: string): DelegationStore {
  return {
    async put(delegation) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: delegationItem(delegation),
        }),
      );
    },

    async listFor(principalId) {
      const { pk, skPrefix } = delegationPrefix(principalId);
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
        new DeleteCommand({ TableName: tableName, Key: delegationKey(principalId, from), ReturnValues: 'ALL_OLD' }),
      );
      return Attributes !== undefined;
    },

    async setTimer(principalId, from, timer) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: delegationKey(principalId, from),
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
