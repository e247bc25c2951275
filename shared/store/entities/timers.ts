import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { indexes } from '../table-layout.js';

/**
 * The sparse "due timers" index: an item that carries `timerShard` and `nextTimerAt` is something
 * the timer sweep must look at then. Each entity that has timers sits in its own shard.
 */
export const timerShards = {
  link: 'LINK',
  delegation: 'DELEGATION',
  effect: 'EFFECT',
  resume: 'RESUME',
  followUp: 'FOLLOWUP',
  start: 'START',
  supplement: 'SUPPLEMENT',
  /** Returned or recalled, waiting for the requester: keyed by its last change (the sweep withdraws it after the policy's days). */
  idle: 'IDLE',
} as const;
/** 파기: a closed request's retention, one shard per kind (`RETENTION#<kind>`), keyed by when its retention started. */
export const retentionShard = (kind: string) => `RETENTION#${kind}` as const;
export type TimerShard = (typeof timerShards)[keyof typeof timerShards] | ReturnType<typeof retentionShard>;

export const timerAttributes = (shard: TimerShard, at: string | undefined): Record<string, string> =>
  at === undefined ? {} : { timerShard: shard, nextTimerAt: at };

/** Items of one shard whose next timer is due at or before `now`, earliest first. */
export async function queryDueTimers(
  db: DynamoDBDocumentClient,
  tableName: string,
  shard: TimerShard,
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
