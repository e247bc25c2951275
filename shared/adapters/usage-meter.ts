import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A process-wide tally of what a flow used: Lambda invocations, state transitions, DynamoDB
 * capacity and time, per function. Only the local runtime turns it on (`USAGE_METER=1`, for
 * `npm run bench`); functions bundled separately share it through `globalThis`, as they share the
 * process, and the local Lambda host tells it which function each call runs in.
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
const holder = globalThis as typeof globalThis & { __approvalUsage?: Usage; __approvalUsageScope?: AsyncLocalStorage<string> };
holder.__approvalUsageScope ??= new AsyncLocalStorage<string>();
const scope = holder.__approvalUsageScope;

export function usage(): Usage {
  holder.__approvalUsage ??= fresh();
  return holder.__approvalUsage;
}
export function resetUsage(): Usage {
  const before = usage();
  holder.__approvalUsage = fresh();
  return before;
}
export const meterOn = () => process.env['USAGE_METER'] === '1';

/** The tally of the function the current call runs in (`(outside)` for calls not made by a function). */
export function functionUsage(name = scope.getStore() ?? '(outside)'): FunctionUsage {
  const all = usage().byFunction;
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
