import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import * as z from 'zod';
import type { LocalStreamSource } from './template.js';

/**
 * What Lambda's event source mapping does for the table's stream, done locally against DynamoDB
 * Local's own stream: each shard read in order (a parent before its children), records passed
 * through the mapping's filters, handed to the function in batches, and the shard's checkpoint
 * moved past what the function took. A batch the function fails (or reports a failed record of,
 * `batchItemFailures`) is given again from that record after a pause, as Lambda retries a shard.
 * Checkpoints are kept in the data directory, so a restart goes on where the last run stopped and
 * nothing committed before a crash is left unpublished.
 */
export interface StreamPoller {
  /** Resolves once every record committed so far has been handed over and taken (tests wait on it). */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

const checkpointSchema = z.object({ streamArn: z.string(), shards: z.record(z.string(), z.string()), finished: z.array(z.string()) });
type Checkpoint = z.infer<typeof checkpointSchema>;

/** Between reads of an idle stream: from 150 ms after a record, doubling to 1 s (each read costs DynamoDB Local CPU). */
const IDLE_MIN_MS = 150;
const IDLE_MAX_MS = 1_000;
const DESCRIBE_EVERY_MS = 10_000;
const RETRY_MS = 1_000;

export async function startStreamPoller(input: {
  db: DynamoDBClient;
  tableName: string;
  source: LocalStreamSource;
  invoke: (functionArn: string, event: unknown) => Promise<unknown>;
  dataDir: string;
  log: Log;
}): Promise<StreamPoller> {
  const { db, tableName, source, invoke, log } = input;
  const table = await db.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream, but ${source.logicalId} reads one`);
  const config = await db.config.endpoint?.();
  const streams = new DynamoDBStreamsClient({
    region: await db.config.region(),
    credentials: await db.config.credentials(),
    endpoint: config ? `${config.protocol}//${config.hostname}${config.port ? `:${config.port}` : ''}${config.path}` : undefined,
  });
  const file = join(input.dataDir, `stream-${source.logicalId}.json`);
  const kept = checkpointSchema.safeParse(JSON.parse((await readFile(file, 'utf8').catch(() => 'null')) as string));
  // A table made anew (a new stream) starts from its beginning; the same stream goes on from its checkpoint.
  let checkpoint: Checkpoint = kept.success && kept.data.streamArn === streamArn ? kept.data : { streamArn, shards: {}, finished: [] };
  const save = async () => {
    await writeFile(`${file}.tmp`, JSON.stringify(checkpoint));
    await rename(`${file}.tmp`, file);
  };

  let stopped = false;
  /** Passes over the shards begun so far; a waiter is answered by an idle pass begun after it asked. */
  let passCount = 0;
  let waiters: { after: number; done: () => void }[] = [];
  const iterators = new Map<string, string | undefined>();

  async function iteratorOf(shard: Shard): Promise<string | undefined> {
    const id = shard.ShardId ?? '';
    if (iterators.has(id)) return iterators.get(id);
    const after = checkpoint.shards[id];
    const result = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: id,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: source.startingPosition }),
      }),
    );
    iterators.set(id, result.ShardIterator);
    return result.ShardIterator;
  }

  /** Reads what the shard has now; answers whether there was anything. */
  async function readShard(shard: Shard): Promise<boolean> {
    const id = shard.ShardId ?? '';
    const iterator = await iteratorOf(shard);
    if (!iterator) {
      checkpoint = { ...checkpoint, finished: [...checkpoint.finished, id] };
      await save();
      shards = undefined; // its children, if any, are read next
      return false;
    }
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const records = page.Records ?? [];
    if (records.length === 0) {
      iterators.set(id, page.NextShardIterator);
      // A closed shard with nothing left is finished: its children are read next.
      if (!page.NextShardIterator) return readShard(shard);
      return false;
    }
    for (let start = 0; start < records.length; start += source.batchSize) {
      const batch = records.slice(start, start + source.batchSize);
      const passing = batch.filter((record) => passes(source.filters, record));
      const failedAt = passing.length > 0 ? await deliver(passing) : undefined;
      const last = failedAt === undefined ? batch.at(-1) : previousOf(batch, failedAt);
      if (last?.dynamodb?.SequenceNumber) checkpoint = { ...checkpoint, shards: { ...checkpoint.shards, [id]: last.dynamodb.SequenceNumber } };
      await save();
      if (failedAt !== undefined) {
        // Lambda retries a shard from the failed record: the iterator starts over after the checkpoint.
        iterators.delete(id);
        await new Promise((done) => setTimeout(done, RETRY_MS));
        return true;
      }
    }
    iterators.set(id, page.NextShardIterator);
    return true;
  }

  /** Hands a batch over; answers the sequence number to retry from, or undefined when all was taken. */
  async function deliver(batch: StreamRecord[]): Promise<string | undefined> {
    // As Lambda gives them: the stream's ARN on each record, the creation time in epoch seconds.
    const event = {
      Records: batch.map((record) => ({
        ...record,
        eventSourceARN: streamArn,
        dynamodb: {
          ...record.dynamodb,
          ApproximateCreationDateTime: Math.floor((record.dynamodb?.ApproximateCreationDateTime?.getTime() ?? 0) / 1000),
        },
      })),
    };
    try {
      const response = z
        .object({ batchItemFailures: z.array(z.object({ itemIdentifier: z.string() })).optional() })
        .nullish()
        .parse(await invoke(source.functionArn, event));
      const failures = source.reportBatchItemFailures ? (response?.batchItemFailures ?? []) : [];
      if (failures.length === 0) return undefined;
      const lowest = failures.map((failure) => failure.itemIdentifier).sort(compareSequence)[0];
      log('warn', 'stream batch partly failed; retrying', { function: source.logicalId, from: lowest });
      return lowest;
    } catch (error) {
      log('warn', 'stream batch failed; retrying', { function: source.logicalId, error: error instanceof Error ? error.message : String(error) });
      return batch[0]?.dynamodb?.SequenceNumber;
    }
  }

  async function shardsInOrder(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      shards.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    const ids = new Set(shards.map((shard) => shard.ShardId));
    const done = new Set(checkpoint.finished);
    // A shard is read once its parent (if the stream still lists it) is finished.
    return shards.filter(
      (shard) => !done.has(shard.ShardId ?? '') && (!shard.ParentShardId || !ids.has(shard.ParentShardId) || done.has(shard.ParentShardId)),
    );
  }

  /** The shards to read, described again only when one finished or every few seconds (new shards), not at every pass. */
  let shards: Shard[] | undefined;
  let describedAt = 0;
  let idleMs = IDLE_MIN_MS;
  const loop = (async () => {
    while (!stopped) {
      passCount++;
      const pass = passCount;
      let busy = false;
      try {
        if (!shards || Date.now() - describedAt > DESCRIBE_EVERY_MS) {
          shards = await shardsInOrder();
          describedAt = Date.now();
        }
        for (const shard of shards) {
          if (stopped) break;
          if (await readShard(shard)) busy = true;
        }
      } catch (error) {
        if (!stopped) log('warn', 'stream read failed; retrying', { error: error instanceof Error ? error.message : String(error) });
      }
      if (busy) idleMs = IDLE_MIN_MS;
      else {
        for (const waiter of waiters.filter((w) => w.after < pass)) waiter.done();
        waiters = waiters.filter((w) => w.after >= pass);
        // Someone waiting to see the stream drained is answered by the next pass, soon.
        await new Promise((done) => setTimeout(done, waiters.length > 0 ? IDLE_MIN_MS : idleMs));
        idleMs = Math.min(idleMs * 2, IDLE_MAX_MS);
      }
    }
  })();

  return {
    drained: () =>
      new Promise((done) => {
        waiters.push({ after: passCount, done });
      }),
    async stop() {
      stopped = true;
      for (const waiter of waiters) waiter.done();
      await loop;
      streams.destroy();
    },
  };
}

/** Sequence numbers are decimal strings of varying length. */
const compareSequence = (a: string, b: string) => (a.length === b.length ? a.localeCompare(b) : a.length - b.length);

function previousOf(batch: StreamRecord[], sequence: string): StreamRecord | undefined {
  const index = batch.findIndex((record) => record.dynamodb?.SequenceNumber === sequence);
  return index > 0 ? batch[index - 1] : undefined;
}

/** Whether a record passes a mapping's filters (EventBridge pattern syntax: the subset CDK's FilterRule writes). */
export function passes(filters: unknown[], record: StreamRecord): boolean {
  if (filters.length === 0) return true;
  const subject = JSON.parse(JSON.stringify(record)) as unknown;
  return filters.some((pattern) => matches(pattern, subject));
}

function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((rule) => matchesRule(rule, value));
  if (pattern === null || typeof pattern !== 'object') return false;
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([key, inner]) => matches(inner, (value as Record<string, unknown>)[key]));
}

function matchesRule(rule: unknown, value: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return rule === value;
  const { prefix, exists } = rule as { prefix?: unknown; exists?: unknown };
  if (typeof prefix === 'string') return typeof value === 'string' && value.startsWith(prefix);
  if (typeof exists === 'boolean') return (value !== undefined) === exists;
  throw new Error(`stream filter rule ${JSON.stringify(rule)} is not supported locally`);
}
