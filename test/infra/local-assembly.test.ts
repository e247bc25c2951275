import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { chunkImports } from '../../infra/constructs/handler-bundles.js';
import { API_URL_PLACEHOLDER, localAssembly, localStageContext, projectRoot, removeAbandonedOutdirs } from '../../infra/local/local-assembly.js';
import { readTemplate } from '../../infra/local/template.js';

// Beside the local runtime's own (.synth/<run>): the bundles' source maps depend on where they are written.
const run = `test-${process.pid}-${Date.now()}`;
const outdir = (name: string) => join(projectRoot, '.synth', `${run}-${name}`);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** Each file under `dir`, by its content's digest (comparing 250 MB of bundles byte by byte in expect is slow). */
async function filesOf(dir: string): Promise<Record<string, string>> {
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  return Object.fromEntries(
    await Promise.all(
      entries.map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        return [
          path.slice(dir.length),
          createHash('sha256')
            .update(await readFile(path))
            .digest('hex'),
        ];
      }),
    ),
  );
}

describe("the local runtime's app", () => {
  it('is what a synth with the API URL itself gives, synthesized or reused from the cache, bundles and all', async () => {
    const apiUrl = 'http://127.0.0.1:43210';
    const cacheDir = await mkdtemp(join(tmpdir(), 'local-assembly-'));
    cleanups.push(() => rm(cacheDir, { recursive: true, force: true }));
    for (const name of ['direct', 'synthesized', 'reused']) cleanups.push(() => rm(outdir(name), { recursive: true, force: true }));

    const { app, stack } = buildApp({ outdir: outdir('direct'), context: localStageContext(apiUrl) });
    const direct = app.synth().getStackByName(stack.stackName).template;
    const synthesized = await localAssembly({ apiUrl, outdir: outdir('synthesized'), cacheDir });
    const reused = await localAssembly({ apiUrl, outdir: outdir('reused'), cacheDir });

    expect(synthesized.cached).toBe(false);
    expect(reused.cached).toBe(true);
    expect(synthesized.template).toEqual(direct);
    expect(reused.template).toEqual(direct);
    const functions = readTemplate(direct).functions;
    // The URL reaches the functions (approval links), and nothing of the placeholder is left.
    expect(functions.filter((fn) => fn.environment['PUBLIC_BASE_URL'] === apiUrl).length).toBeGreaterThan(0);
    expect(JSON.stringify(reused.template)).not.toContain(API_URL_PLACEHOLDER);
    for (const assetPath of new Set(functions.map((fn) => fn.assetPath))) {
      expect(await filesOf(join(outdir('reused'), assetPath))).toEqual(await filesOf(join(outdir('direct'), assetPath)));
    }
    // The local runtime's functions come out of one build (shared chunks), each asset exactly its handler
    // and the chunks it imports; what `cdk deploy` ships is built per function (approval-stack.test.ts).
    const chunkOwners = new Map<string, number>();
    for (const assetPath of new Set(functions.map((fn) => fn.assetPath))) {
      const dir = join(outdir('reused'), assetPath);
      const modules = (await readdir(dir, { recursive: true })).filter((file) => file.endsWith('.mjs')).map((file) => file.split(sep).join('/'));
      const reached = new Set(['index.mjs']);
      for (const queue = ['index.mjs']; queue.length > 0; ) {
        for (const imported of chunkImports(dir, queue.pop() ?? '')) if (!reached.has(imported) && reached.add(imported)) queue.push(imported);
      }
      expect(modules.sort(), assetPath).toEqual([...reached].sort());
      for (const module of modules) chunkOwners.set(module, (chunkOwners.get(module) ?? 0) + 1);
    }
    const shared = [...chunkOwners].filter(([module, owners]) => module.startsWith('chunks/chunk-') && owners > functions.length / 2);
    expect(shared.length).toBeGreaterThan(0);
  }, 600_000);

  it('a start removes what killed runtimes left in .synth, and nothing of a process still running', async () => {
    const synthDir = await mkdtemp(join(tmpdir(), 'approval-synth-'));
    cleanups.push(() => rm(synthDir, { recursive: true, force: true }));
    // A process that has exited, as a runtime killed with SIGKILL has.
    const exited = spawn(process.execPath, ['-e', '']);
    await new Promise((done) => exited.once('exit', done));
    const dead = exited.pid;
    const names = {
      killedRuntime: `${dead}-1795792829637`,
      killedBench: `bench-${dead}-1795792829637`,
      killedTest: `test-${dead}-1795792829637-direct`,
      running: `${process.pid}-1795792829637`,
      runningTest: `test-${process.pid}-1795792829637-reused`,
      notOurs: 'notes',
    };
    for (const name of Object.values(names)) await mkdir(join(synthDir, name, 'asset.0a1b'), { recursive: true });
    const removed = await removeAbandonedOutdirs(synthDir);
    expect(removed.sort()).toEqual([names.killedBench, names.killedRuntime, names.killedTest].sort());
    expect((await readdir(synthDir)).sort()).toEqual([names.notOurs, names.running, names.runningTest].sort());
  });
});
