import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { setEnvironment } from './process-environment.js';
import type { LocalFunction } from './template.js';
import { asInvocationOf } from './usage-meter.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Runs the bundled Lambda assets (the same files `cdk deploy` uploads) in this process.
 *
 * A bundle is imported on its function's first invocation, as Lambda initialises a function on its
 * first call: a start does not wait for 38 imports (6–8 s on two cores), and a function nobody
 * calls costs nothing. Each bundle reads its configuration at module load, so it is imported with
 * exactly its template environment (plus local overrides) in place, one import at a time. A failed
 * import fails that invocation (Lambda's Runtime.ImportModuleError) and is tried again on the next.
 */
interface Entry {
  fn: LocalFunction;
  url: string;
  exportName: string;
  environment: Record<string, string>;
  handler?: Handler;
}

export class LambdaHost {
  private readonly entries = new Map<string, Entry>();
  /** Invocations under way (settled, never rejecting). */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Imports happen one after the other: each swaps process.env while its module evaluates. */
  private importing: Promise<unknown> = Promise.resolve();

  static async load(assemblyDir: string, functions: LocalFunction[], overrides: (fn: LocalFunction) => Record<string, string>): Promise<LambdaHost> {
    const host = new LambdaHost();
    const instance = randomUUID();
    for (const fn of functions) {
      const [file, exportName] = fn.handler.split('.');
      if (!file || !exportName) throw new Error(`unsupported handler ${fn.handler}`);
      // A fresh module instance per runtime start (the query string), so a restart in one process re-reads config.
      const url = `${pathToFileURL(join(assemblyDir, fn.assetPath, `${file}.mjs`)).href}?instance=${instance}`;
      const environment = { ...fn.environment, ...overrides(fn), AWS_LAMBDA_FUNCTION_NAME: fn.logicalId };
      host.entries.set(fn.arn, { fn, url, exportName, environment });
    }
    return host;
  }

  /** Imports every bundle now (what a start did before imports waited for the first call); for tools that want failures up front. */
  async loadAll(): Promise<void> {
    for (const entry of this.entries.values()) await this.handlerOf(entry);
  }

  /** Invokes a function by ARN (or by a qualified ARN), as Lambda would: errors carry the function's errorType as name. */
  invoke(functionArn: string, event: unknown): Promise<unknown> {
    const invocation = this.invokeNow(functionArn, event);
    const tracked = invocation.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return invocation;
  }

  /**
   * Waits, up to `timeoutMs`, for the invocations under way to finish. A runtime stopping in a
   * process that goes on (the integration tests start one per file) lets their writes land before
   * its data directory goes, rather than under the next runtime's feet.
   */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(this.inFlight),
        new Promise((done) => {
          timer = setTimeout(done, deadline - Date.now());
        }),
      ]);
      clearTimeout(timer);
    }
  }

  private async invokeNow(functionArn: string, event: unknown): Promise<unknown> {
    const entry = this.entries.get(functionArn.replace(/:(\$LATEST|\d+)$/, ''));
    if (!entry) throw new Error(`no local function ${functionArn}`);
    const handler = await this.handlerOf(entry);
    return asInvocationOf(entry.fn.logicalId, () => this.invokeEntry(entry.fn, handler, event));
  }

  private handlerOf(entry: Entry): Promise<Handler> {
    if (entry.handler) return Promise.resolve(entry.handler);
    const imported = this.importing.then(async () => {
      if (entry.handler) return entry.handler;
      const restoreEnvironment = setEnvironment(entry.environment);
      try {
        const module = (await import(entry.url)) as Record<string, unknown>;
        const handler = module[entry.exportName];
        if (typeof handler !== 'function') throw new Error(`${entry.fn.logicalId}: ${entry.fn.handler} is not a function`);
        entry.handler = handler as Handler;
        return entry.handler;
      } catch (error) {
        throw Object.assign(new Error(`${entry.fn.logicalId}: the bundle did not load: ${String(error)}`), { name: 'Runtime.ImportModuleError' });
      } finally {
        restoreEnvironment();
      }
    });
    this.importing = imported.catch(() => undefined);
    return imported;
  }

  private async invokeEntry(fn: LocalFunction, handler: Handler, event: unknown): Promise<unknown> {
    const timeoutMs = fn.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    const context = {
      awsRequestId: randomUUID(),
      functionName: fn.logicalId,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: '512',
      logGroupName: `/aws/lambda/${fn.logicalId}`,
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
      timer = setTimeout(() => reject(taskTimedOut(context.awsRequestId, fn.timeoutSeconds)), timeoutMs);
    });
    try {
      return await Promise.race([handler(event, context), timedOut]);
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
