import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';

/**
 * Faults the local runtime can inject into the real code paths, for tests of what survives them: the
 * functions' own DynamoDB client (an SDK middleware inside the SDK's retries, so retries happen as in
 * AWS) and the Step Functions endpoint. Set with `POST /_local/faults`, cleared with `DELETE`.
 */
export const faultSchema = z.strictObject({
  target: z.enum(['dynamodb', 'sfn']),
  /** `throttle`: the service refuses (DynamoDB's ProvisionedThroughputExceededException, SFN's ThrottlingException); `outage`: the connection fails. */
  kind: z.enum(['throttle', 'outage']),
  /** Only these operations (`TransactWriteItems`, `SendTaskSuccess`…); all when absent. */
  operations: z.array(z.string().min(1)).optional(),
  /** How many calls fail before the fault heals itself; until cleared when absent. */
  times: z.int().positive().optional(),
});
export type Fault = z.infer<typeof faultSchema>;

interface ActiveFault extends Fault {
  /** Calls that failed so far. */
  hits: number;
}

const active: ActiveFault[] = [];

export const faults = {
  set(list: Fault[]): void {
    active.splice(0, active.length, ...list.map((fault) => ({ ...fault, hits: 0 })));
  },
  clear(): ActiveFault[] {
    return active.splice(0, active.length);
  },
  list(): ActiveFault[] {
    return active.map((fault) => ({ ...fault }));
  },
  /** The fault that hits this call, if any (and counts it). */
  take(target: Fault['target'], operation: string): ActiveFault | undefined {
    const fault = active.find(
      (candidate) =>
        candidate.target === target &&
        (candidate.operations === undefined || candidate.operations.includes(operation)) &&
        (candidate.times === undefined || candidate.hits < candidate.times),
    );
    if (fault) fault.hits += 1;
    return fault;
  },
};

/** The error the SDK would have raised: a service refusal it treats as throttling, or a dropped connection. */
export function faultError(fault: Fault, operation: string): Error {
  if (fault.kind === 'outage') {
    return Object.assign(new Error(`connect ECONNREFUSED (local fault: ${fault.target} ${operation})`), { code: 'ECONNREFUSED', errno: -111 });
  }
  const name = fault.target === 'dynamodb' ? 'ProvisionedThroughputExceededException' : 'ThrottlingException';
  return Object.assign(new Error(`Rate exceeded (local fault: ${operation})`), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400, attempts: 1 },
    $retryable: { throttling: true },
  });
}

type Plugin = Parameters<DynamoDBDocumentClient['middlewareStack']['use']>[0];

/** Fails the DynamoDB calls a fault names, below the SDK's retries (so a fault of `times: 2` is retried away as in AWS). */
export const dynamoDbFaultPlugin: Plugin = {
  applyToStack(stack) {
    stack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        const fault = faults.take('dynamodb', operation);
        if (fault) throw faultError(fault, operation);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'localFaults', priority: 'low' },
    );
  },
};
