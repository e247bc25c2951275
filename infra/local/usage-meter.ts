import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { transactWriteUnits } from './write-units.js';

/**
 * A process-wide tally of what a flow used: Lambda invocations, state transitions, DynamoDB
 * capacity and time, per function — for `npm run bench`. It lives in the local runtime, never in a
 * bundle: the runtime installs its DynamoDB middleware through the hook the functions' client
 * reads at load (`dynamoDbMeterPlugin`, when metering), and the local Lambda host tells it which function each
 * call runs in.
 */
export interface FunctionUsage {
  invocations: number;
  ms: number;
  readUnits: number;
  /** As DynamoDB (Local) reports them (ReturnConsumedCapacity). */
  writeUnits: number;
  /** As AWS would bill them: transactions re-counted per item (write-units.ts); other writes as reported. */
  awsWriteUnits: number;
  dynamoMs: number;
}

export interface Usage {
  stateTransitions: number;
  byFunction: Record<string, FunctionUsage>;
}

const fresh = (): Usage => ({ stateTransitions: 0, byFunction: {} });
let current = fresh();
const scope = new AsyncLocalStorage<string>();

export const usage = (): Usage => current;
export function resetUsage(): Usage {
  const before = current;
  current = fresh();
  return before;
}

/** The tally of the function the current call runs in (`(outside)` for calls not made by a function). */
export function functionUsage(name = scope.getStore() ?? '(outside)'): FunctionUsage {
  const all = current.byFunction;
  all[name] ??= { invocations: 0, ms: 0, readUnits: 0, writeUnits: 0, awsWriteUnits: 0, dynamoMs: 0 };
  return all[name];
}

/** Runs `work` as an invocation of `name`, tallied. */
export async function asInvocationOf<T>(name: string, work: () => Promise<T>): Promise<T> {
  const tally = functionUsage(name);
  tally.invocations += 1;
  const started = performance.now();
  try {
    return await scope.run(name, work);
  } finally {
    tally.ms += performance.now() - started;
  }
}

// The names the middleware sees are the low-level commands the document client sends.
const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
const METERED = new Set([...READS, 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

type Units = { CapacityUnits?: number };
type Consumed = Units & { ReadCapacityUnits?: number; WriteCapacityUnits?: number; Table?: Units; GlobalSecondaryIndexes?: Record<string, Units> };
type Plugin = Parameters<DynamoDBDocumentClient['middlewareStack']['use']>[0];

/** Every call reports its consumed capacity and time into the tally of the function it runs in. */
const meterPlugin: Plugin = {
  applyToStack(stack) {
    stack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? '';
        const input = args.input as Record<string, unknown>;
        const transaction = command === 'TransactWriteItemsCommand';
        // INDEXES splits a transaction's units into the table's and its indexes' (see write-units.ts).
        if (METERED.has(command)) input['ReturnConsumedCapacity'] = transaction ? 'INDEXES' : 'TOTAL';
        const started = performance.now();
        const result = await next(args);
        const meter = functionUsage();
        meter.dynamoMs += performance.now() - started;
        const consumed = [(result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity ?? []].flat();
        const units = consumed.reduce(
          (sum, entry) => sum + (entry.CapacityUnits ?? (entry.ReadCapacityUnits ?? 0) + (entry.WriteCapacityUnits ?? 0)),
          0,
        );
        if (READS.has(command)) meter.readUnits += units;
        else {
          meter.writeUnits += units;
          if (transaction) {
            const table = consumed.reduce((sum, entry) => sum + (entry.Table?.CapacityUnits ?? 0), 0);
            const indexes = units - table;
            meter.awsWriteUnits +=
              Math.max(table, transactWriteUnits((input['TransactItems'] ?? []) as Parameters<typeof transactWriteUnits>[0])) + indexes;
          } else meter.awsWriteUnits += units;
        }
        return result;
      },
      { step: 'initialize', name: 'usageMeter', priority: 'high' },
    );
  },
};

/** Meters the DynamoDB calls of every function loaded with it (the local runtime, for benchmarks). */
export const dynamoDbMeterPlugin = meterPlugin;
