import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { indexes } from './table-layout.js';

/** The entities on the sparse "due timers" index, each in its own partition of it. */
export const timerShards = { link: 'LINK', delegation: 'DELEGATION', effect: 'EFFECT', resume: 'RESUME', followUp: 'FOLLOWUP' } as const;

/** Items of one shard whose next timer is due at or before `now`, earliest first. */
export async function queryDueTimers(
  db: DynamoDBDocumentClient,
  tableName: string,
  shard: (typeof timerShards)[keyof typeof timerShards],
  now: string,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const { Items } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: indexes.dueTimers.name,
      KeyConditionExpression: 'timerShard = :shard AND nextTimerAt <= :now',
      ExpressionAttributeValues: { ':shard': shard, ':now': now },
      Limit: limit,
    }),
  );
  return Items ?? [];
}
