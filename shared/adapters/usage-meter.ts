/**
 * A process-wide tally of what a flow used: Lambda invocations, state transitions, DynamoDB
 * capacity and time. Only the local runtime turns it on (`USAGE_METER=1`, for `npm run bench`);
 * functions bundled separately share it through `globalThis`, as they share the process.
 */
export interface Usage {
  lambdaInvocations: Record<string, number>;
  lambdaMs: number;
  stateTransitions: number;
  readUnits: number;
  writeUnits: number;
  dynamoCalls: number;
  dynamoMs: number;
}

const fresh = (): Usage => ({ lambdaInvocations: {}, lambdaMs: 0, stateTransitions: 0, readUnits: 0, writeUnits: 0, dynamoCalls: 0, dynamoMs: 0 });
const holder = globalThis as typeof globalThis & { __approvalUsage?: Usage };

export const usage = (): Usage => (holder.__approvalUsage ??= fresh());
export function resetUsage(): Usage {
  const before = usage();
  holder.__approvalUsage = fresh();
  return before;
}
export const meterOn = () => process.env['USAGE_METER'] === '1';
