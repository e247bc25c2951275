import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaHost } from '../../infra/local/lambda-host.js';
import type { LocalFunction } from '../../infra/local/template.js';

/**
 * A runtime that stops in a process that goes on (each integration file starts one) waits for the
 * functions under way: their writes land before its data directory is removed, not after.
 */
let work: string;
afterEach(() => rm(work, { recursive: true, force: true }));

async function hostWith(handlerSource: string): Promise<{ host: LambdaHost; fn: LocalFunction }> {
  work = await mkdtemp(join(tmpdir(), 'lambda-host-'));
  await mkdir(join(work, 'asset.test'));
  await writeFile(join(work, 'asset.test', 'index.mjs'), handlerSource);
  const fn: LocalFunction = {
    logicalId: 'Test',
    arn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:Test',
    assetPath: 'asset.test',
    handler: 'index.handler',
    environment: {},
    timeoutSeconds: 30,
  };
  return { host: await LambdaHost.load(work, [fn], () => ({})), fn };
}

describe('the local Lambda host', () => {
  it("keeps each invocation's context its own when they overlap, whatever store the AWS SDK installed before", async () => {
    // The SDK installs a single-invocation store on its first use in a process (the tests' own clients do).
    const global = globalThis as { awslambda?: { InvokeStore?: unknown } };
    global.awslambda ??= {};
    const single: Record<string | symbol, unknown> = {};
    global.awslambda.InvokeStore = {
      hasContext: () => true,
      get: (key: string) => single[key],
      set: (key: string, value: unknown) => {
        single[key] = value;
      },
    };
    const { host, fn } = await hostWith(`
      export const handler = async (event) => {
        const store = globalThis.awslambda.InvokeStore;
        store.set('correlation', event.id);
        await new Promise((done) => setTimeout(done, event.wait));
        return { correlation: store.get('correlation'), requestId: store.getRequestId() };
      };
    `);
    const [slow, fast] = await Promise.all([host.invoke(fn.arn, { id: 'R1', wait: 200 }), host.invoke(fn.arn, { id: 'R2', wait: 10 })]);
    expect(slow).toMatchObject({ correlation: 'R1' });
    expect(fast).toMatchObject({ correlation: 'R2' });
    expect((slow as { requestId: string }).requestId).not.toBe((fast as { requestId: string }).requestId);
  });

  it('lets the invocations under way finish before it settles', async () => {
    const { host, fn } = await hostWith(`
      import { writeFile } from 'node:fs/promises';
      export const handler = async (event) => {
        await new Promise((done) => setTimeout(done, 300));
        await writeFile(event.file, 'written');
        return 'done';
      };
    `);
    const file = join(work, 'written-by-the-function');
    const invocation = host.invoke(fn.arn, { file });

    await host.settle(10_000);

    expect(existsSync(file)).toBe(true);
    await expect(invocation).resolves.toBe('done');
  });

  it('stops waiting at its limit for a function that does not finish', async () => {
    const { host, fn } = await hostWith('export const handler = () => new Promise(() => undefined);');
    void host.invoke(fn.arn, {});

    await host.settle(200); // returns: the test would time out otherwise
  });
});
