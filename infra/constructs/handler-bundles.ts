import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { bundleCacheDir, cachedBuildSync } from '../local/bundle-cache.js';

/**
 * Every handler bundled by one esbuild build, each function's asset then made of its own entry and
 * the chunks it imports. Building the 61 functions one by one parsed, minified and mapped the same
 * shared modules 61 times (≈ 18 s of a 2-core machine, most of a fresh `npm start` and of the first
 * synth in a test run); one build with code splitting does each module once (≈ 2 s). A function's
 * asset holds exactly what its handler can load — its entry as `index.mjs` and, transitively, the
 * chunks it imports statically or on first use (the XLSX library only where a spreadsheet is
 * written) — so Lambda runs the same code; the set's chunks are shared by content, not by reference.
 *
 * The handlers are the modules under `functions/` that export `handler`; an entry outside them (the
 * benchmark's reference handler) is bundled on its own. Used where the app is synthesized with the
 * `shared` bundling (the local runtime, infra/bundling.ts): a shared chunk holds what any of its
 * functions uses, so a cold start loads more than its own code, and deployed functions are built alone.
 */
export interface HandlerBundleOptions {
  projectRoot: string;
  /** esbuild options of every bundle (outdir and entry points are set here). */
  options: Record<string, unknown>;
}

interface BundleSet {
  dir: string;
  /** Handler module (relative to the project) → the name of its entry's output in the set. */
  names: Map<string, string>;
}

const sets = new Map<string, BundleSet>();

/** Writes `entry`'s asset into `outdir`; false when `entry` is not one of the project's handlers. */
export function assetFromHandlerSet(entry: string, outdir: string, { projectRoot, options }: HandlerBundleOptions): boolean {
  // Beside the asset directories (same depth below the project): the source maps' relative paths stay right when copied.
  const parent = dirname(outdir);
  let set = sets.get(parent);
  if (!set) {
    set = buildSet(join(parent, `.handler-bundles-${process.pid}`), projectRoot, options);
    sets.set(parent, set);
  }
  const name = set.names.get(entry);
  if (!name) return false;
  mkdirSync(outdir, { recursive: true });
  place(join(set.dir, `${name}.mjs`), join(outdir, 'index.mjs'));
  place(join(set.dir, `${name}.mjs.map`), join(outdir, `${name}.mjs.map`));
  const copied = new Set<string>();
  const visit = (file: string) => {
    for (const imported of chunkImports(set.dir, file)) {
      // A string in the code that only looks like a chunk's path names no file of the set.
      if (copied.has(imported) || !existsSync(join(set.dir, imported))) continue;
      copied.add(imported);
      place(join(set.dir, imported), join(outdir, imported));
      if (existsSync(join(set.dir, `${imported}.map`))) place(join(set.dir, `${imported}.map`), join(outdir, `${imported}.map`));
      visit(imported);
    }
  };
  visit(`${name}.mjs`);
  return true;
}

function buildSet(dir: string, projectRoot: string, options: Record<string, unknown>): BundleSet {
  const entries = handlerModules(projectRoot);
  const names = new Map(
    entries.map((entry) => [
      entry,
      entry
        .replace(/^functions\//, '')
        .replace(/\.ts$/, '')
        .replaceAll('/', '--'),
    ]),
  );
  rmSync(dir, { recursive: true, force: true });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  cachedBuildSync({
    cacheDir: bundleCacheDir(projectRoot),
    build: {
      ...options,
      absWorkingDir: projectRoot,
      entryPoints: entries.map((entry) => ({ in: join(projectRoot, entry), out: names.get(entry) ?? entry })),
      outdir: dir,
    },
  });
  return { dir, names };
}

/** The modules under `functions/` that export a `handler`, relative to the project, sorted (the build's input is stable). */
function handlerModules(projectRoot: string): string[] {
  const root = join(projectRoot, 'functions');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .filter((file) => /^export (const|async function|function) handler\b/m.test(readFileSync(join(root, file), 'utf8')))
    .map((file) => posix.join('functions', file.split(/[\\/]/).join('/')))
    .sort();
}

/** The modules `file` imports (statically or on first use) by a relative path, relative to the directory `dir` it is in. */
export function chunkImports(dir: string, file: string): string[] {
  const from = dirname(join(dir, file));
  return [...readFileSync(join(dir, file), 'utf8').matchAll(/["'](\.\.?\/[^"'\s]+\.mjs)["']/g)]
    .map((match) =>
      relative(dir, join(from, match[1] ?? ''))
        .split(/[\\/]/)
        .join('/'),
    )
    .filter((imported) => !imported.startsWith('..'));
}

/** A hard link where the file system allows it (the asset staging moves it), else a copy. */
function place(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
