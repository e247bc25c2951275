import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';
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

  /**
   * The functions' invocations run side by side in this process, as on a Lambda execution environment
   * that takes concurrent invocations: each runs in its own context of the runtime's InvokeStore
   * (what Powertools keeps per invocation — log keys, the correlation id — stays its own), which
   * Powertools uses when AWS_LAMBDA_MAX_CONCURRENCY is set (runtime.ts sets it).
   */
  private store: ConcurrentInvokeStore | undefined;

  static async load(assemblyDir: string, functions: LocalFunction[], overrides: (fn: LocalFunction) => Record<string, string>): Promise<LambdaHost> {
    const host = new LambdaHost();
    host.store = installConcurrentInvokeStore();
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
    const store = this.store;
    const run = () => handler(event, context);
    try {
      return await Promise.race([store ? store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, run) : run(), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The Lambda runtime's InvokeStore for concurrent invocations (what `@aws/lambda-invoke-store`
 * calls InvokeStoreMulti, which it does not export): each invocation's values in an
 * AsyncLocalStorage context. Installed as `globalThis.awslambda.InvokeStore`, where Powertools
 * looks for it, over whatever was there: the AWS SDK, used in this process before the host
 * loads (the tests' own clients), puts a single-invocation store there, whose one context every
 * invocation would overwrite (a log line would carry another invocation's correlation id).
 */
class ConcurrentInvokeStore extends InvokeStoreBase {
  private readonly als = new AsyncLocalStorage<Record<string | symbol, unknown>>();
  getContext() {
    return this.als.getStore();
  }
  hasContext() {
    return this.als.getStore() !== undefined;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return this.als.getStore()?.[key] as T | undefined;
  }
  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    const store = this.als.getStore();
    if (!store) throw new Error('No context available');
    store[key] = value;
  }
  run<T>(context: Record<string | symbol, unknown>, fn: () => T): T {
    return this.als.run(context, fn);
  }
}

function installConcurrentInvokeStore(): ConcurrentInvokeStore {
  const global = globalThis as { awslambda?: { InvokeStore?: unknown } };
  global.awslambda ??= {};
  const lambda = global.awslambda;
  if (!(lambda.InvokeStore instanceof ConcurrentInvokeStore)) lambda.InvokeStore = new ConcurrentInvokeStore();
  return lambda.InvokeStore as ConcurrentInvokeStore;
}

/** The error Lambda's Invoke reports for a function that ran past its Timeout. */
function taskTimedOut(requestId: string, timeoutSeconds: number): Error {
  const error = new Error(`RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
  error.name = 'Sandbox.Timedout';
  return error;
}
