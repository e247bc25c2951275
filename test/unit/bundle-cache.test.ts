import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedBuildSync } from '../../infra/local/bundle-cache.js';

let project: string;
let cacheDir: string;

/** Writes a source file as saved a minute ago (a file saved while esbuild runs is not recorded). */
async function save(file: string, content: string): Promise<void> {
  await mkdir(join(project, file, '..'), { recursive: true });
  await writeFile(join(project, file), content);
  const aMinuteAgo = new Date(Date.now() - 60_000);
  await utimes(join(project, file), aMinuteAgo, aMinuteAgo);
}

const greetingModule = (word: string) => `export const greeting = (name: string) => '${word}, ' + name;\n`;

const options = (outdir: string, extra: BuildOptions = {}) => ({
  entryPoints: [{ in: join(project, 'src/handler.ts'), out: 'index' }],
  outdir: join(project, outdir),
  outExtension: { '.js': '.mjs' },
  absWorkingDir: project,
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  minify: true,
  sourcemap: true,
  logLevel: 'silent' as const,
  ...extra,
});

const build = (outdir: string, extra: BuildOptions = {}) => cachedBuildSync({ cacheDir, build: options(outdir, extra) });

async function filesOf(outdir: string): Promise<Record<string, string>> {
  const names = (await readdir(join(project, outdir), { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const files = await Promise.all(
    names.map(async (entry) => [
      join(entry.parentPath, entry.name).slice(join(project, outdir).length + 1),
      await readFile(join(entry.parentPath, entry.name), 'utf8'),
    ]),
  );
  return Object.fromEntries(files);
}

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'bundle-cache-project-'));
  cacheDir = await mkdtemp(join(tmpdir(), 'bundle-cache-'));
  await save('src/handler.ts', "import { greeting } from './greeting.js';\nexport const handler = async (name: string) => greeting(name);\n");
  await save('src/greeting.ts', greetingModule('Hello'));
});
afterEach(async () => {
  await rm(project, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
});

describe('the bundle cache', () => {
  it('reuses a build when no input changed: the same files, byte for byte, as building again', async () => {
    expect(build('out/first').hit).toBe(false);

    const again = build('out/again');

    expect(again).toEqual({ hit: true, outputs: expect.arrayContaining(['index.mjs', 'index.mjs.map']) });
    cachedBuildSync({ cacheDir: undefined, build: options('out/uncached') });
    const reused = await filesOf('out/again');
    expect(Object.keys(reused).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(reused).toEqual(await filesOf('out/uncached'));
    expect(reused).toEqual(await filesOf('out/first'));
  });

  it('rebuilds when a file the bundle imports changes, and reuses the earlier build when it changes back', async () => {
    build('out/first');
    await save('src/greeting.ts', greetingModule('Welcome'));

    const changed = build('out/changed');

    expect(changed.hit).toBe(false);
    expect((await filesOf('out/changed'))['index.mjs']).toContain('Welcome');
    await save('src/greeting.ts', greetingModule('Hello'));
    expect(build('out/back').hit).toBe(true);
    expect(await filesOf('out/back')).toEqual(await filesOf('out/first'));
  });

  it('rebuilds when the esbuild options change', async () => {
    build('out/minified');

    const readable = build('out/readable', { minify: false });
    const bannered = build('out/bannered', { banner: { js: '// built for the test' } });

    expect(readable.hit).toBe(false);
    expect(bannered.hit).toBe(false);
    expect((await filesOf('out/readable'))['index.mjs']).not.toEqual((await filesOf('out/minified'))['index.mjs']);
    expect((await filesOf('out/bannered'))['index.mjs']).toContain('// built for the test');
  });

  it('rebuilds for an output directory elsewhere relative to the project: source maps point back to the sources', async () => {
    build('out/near');

    const deeper = build('out/much/deeper');

    expect(deeper.hit).toBe(false);
    expect((await filesOf('out/near'))['index.mjs.map']).toContain('"../../src/greeting.ts"');
    expect((await filesOf('out/much/deeper'))['index.mjs.map']).toContain('"../../../src/greeting.ts"');
  });

  it('rebuilds when the project settings change (package.json: sideEffects decide what is left out)', async () => {
    build('out/first');
    await save('package.json', '{ "sideEffects": false }\n');

    expect(build('out/after').hit).toBe(false);
  });

  it('does not record a build whose input was saved while it ran', async () => {
    const whileBuilding = new Date(Date.now() + 5_000);
    await utimes(join(project, 'src/greeting.ts'), whileBuilding, whileBuilding);

    build('out/first');

    expect(build('out/again').hit).toBe(false);
  });

  it('rebuilds when a stored file is gone', async () => {
    build('out/first');
    await rm(join(cacheDir, 'objects'), { recursive: true });

    const again = build('out/again');

    expect(again.hit).toBe(false);
    expect(await filesOf('out/again')).toEqual(await filesOf('out/first'));
  });
});
