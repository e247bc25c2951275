import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { LocalFunction } from './template.js';
import { asInvocationOf } from './usage-meter.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Runs the bundled Lambda assets (the same files `cdk deploy` uploads) in this process.
 * Each bundle reads its configuration at module load, so it is imported with exactly its
 * template environment (plus local overrides) in place, one at a time.
 */
export class LambdaHost {
  private readonly handlers = new Map<string, { fn: LocalFunction; handler: Handler }>();

  static async load(assemblyDir: string, functions: LocalFunction[], overrides: (fn: LocalFunction) => Record<string, string>): Promise<LambdaHost> {
    const host = new LambdaHost();
    const instance = randomUUID();
    for (const fn of functions) {
      const [file, exportName] = fn.handler.split('.');
      if (!file || !exportName) throw new Error(`unsupported handler ${fn.handler}`);
      const environment = { ...fn.environment, ...overrides(fn), AWS_LAMBDA_FUNCTION_NAME: fn.logicalId };
      const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
      Object.assign(process.env, environment);
      try {
        // A fresh module instance per runtime start (the query string), so a restart in one process re-reads config.
        const url = `${pathToFileURL(join(assemblyDir, fn.assetPath, `${file}.mjs`)).href}?instance=${instance}`;
        const module = (await import(url)) as Record<string, unknown>;
        const handler = module[exportName];
        if (typeof handler !== 'function') throw new Error(`${fn.logicalId}: ${fn.handler} is not a function`);
        host.handlers.set(fn.arn, { fn, handler: handler as Handler });
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
    }
    return host;
  }

  /** Invokes a function by ARN (or by a qualified ARN), as Lambda would: errors carry the function's errorType as name. */
  async invoke(functionArn: string, event: unknown): Promise<unknown> {
    const entry = this.handlers.get(functionArn.replace(/:(\$LATEST|\d+)$/, ''));
    if (!entry) throw new Error(`no local function ${functionArn}`);
    return asInvocationOf(entry.fn.logicalId, () => this.invokeEntry(entry, event));
  }

  private async invokeEntry(entry: { fn: LocalFunction; handler: Handler }, event: unknown): Promise<unknown> {
    const timeoutMs = entry.fn.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    const context = {
      awsRequestId: randomUUID(),
      functionName: entry.fn.logicalId,
      functionVersion: '$LATEST',
      invokedFunctionArn: entry.fn.arn,
      memoryLimitInMB: '512',
      logGroupName: `/aws/lambda/${entry.fn.logicalId}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } satisfies Context;
    // Lambda stops a function at its Timeout, in real time whatever the local clock's speed. A handler
    // cannot be stopped in-process, but its caller stops waiting and gets Lambda's error, as in AWS.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(taskTimedOut(context.awsRequestId, entry.fn.timeoutSeconds)), timeoutMs);
    });
    try {
      return await Promise.race([entry.handler(event, context), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The error Lambda's Invoke reports for a function that ran past its Timeout. */
function taskTimedOut(requestId: string, timeoutSeconds: number): Error {
  const error = new Error(`RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
  error.name = 'Sandbox.Timedout';
  return error;
}
