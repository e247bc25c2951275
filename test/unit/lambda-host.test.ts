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
