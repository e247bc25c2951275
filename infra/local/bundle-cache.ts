import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { type BuildOptions, buildSync, version as esbuildVersion } from 'esbuild';
import * as z from 'zod';

/**
 * esbuild output reused across synths: a bundle is rebuilt only when something it is made of changed.
 *
 * A bundle's output is a function of its esbuild options, the esbuild version, the installed
 * packages (the lock files), the project's package.json and tsconfig.json (`sideEffects`, compiler
 * settings) and the contents of the files esbuild read, which its metafile lists. The options, the
 * version and those project files name a slot; each build recorded in a slot is named by the digest
 * of its input files' contents and lists those files. A lookup re-hashes each recorded build's files
 * as they are now: if they hash alike, its output is linked (or copied) out byte for byte — the same
 * bytes a build would write, so CDK's output-based asset hash is the same too.
 *
 * Output files are stored once by content (`objects/`): most bundles carry the same 5 MB exceljs
 * chunk and its map. The source maps' `sources` are relative to the output directory, so the output
 * directory's position relative to the project is part of the slot (`cdk.out` and `.synth/<run>` differ).
 *
 * Not seen: a new file that would change how an import resolves without any listed file changing
 * (e.g. adding `x.ts` beside an imported `x/index.ts`). After such a change, delete the cache directory.
 */
const FORMAT = 1;
/** Builds remembered per slot (bundle and options): enough to switch between a few branches without rebuilding. */
const RECORDS_PER_SLOT = 6;
/** Objects no record names are deleted at most this often, and only once this old (a writer may not have recorded them yet). */
const SWEEP_EVERY_MS = 24 * 3_600_000;
const UNREFERENCED_GRACE_MS = 3_600_000;
/** What shapes every bundle of a project beyond the files esbuild reads. */
const PROJECT_FILES = ['package.json', 'package-lock.json', 'node_modules/.package-lock.json', 'tsconfig.json'];

const recordSchema = z.object({
  format: z.literal(FORMAT),
  /** Input file (relative to absWorkingDir) → sha256 of its contents. */
  inputs: z.record(z.string(), z.string()),
  /** Output file (relative to outdir, `/`-separated) → sha256 of its contents, the name of its object. */
  outputs: z.record(z.string(), z.string()),
});
type BuildRecord = z.infer<typeof recordSchema>;

export interface CachedBuildOptions {
  /** Directory of the cache; `undefined` builds without one. */
  cacheDir: string | undefined;
  /** esbuild options, JSON data only (no plugins), with `absWorkingDir` and `outdir` set; `metafile` and `write` are the cache's. */
  build: BuildOptions & { absWorkingDir: string; outdir: string };
}

export interface CachedBuildResult {
  hit: boolean;
  /** Output files written, relative to outdir. */
  outputs: string[];
}

/** esbuild's buildSync, or the same build's recorded output when nothing it is made of changed. */
export function cachedBuildSync({ cacheDir, build }: CachedBuildOptions): CachedBuildResult {
  if (cacheDir === undefined) {
    const result = buildSync({ ...build, metafile: true, write: true });
    return { hit: false, outputs: outputsOf(result.metafile.outputs, build) };
  }
  const slot = join(cacheDir, 'slots', slotKey(build));
  for (const { name, record } of records(slot)) {
    if (inputsDigest(build.absWorkingDir, Object.keys(record.inputs)) !== name) continue;
    if (!linkOut(cacheDir, record, build.outdir)) continue;
    touch(join(slot, `${name}.json`));
    return { hit: true, outputs: Object.keys(record.outputs) };
  }

  const started = Date.now();
  const result = buildSync({ ...build, metafile: true, write: true });
  const inputs = Object.keys(result.metafile.inputs).filter((input) => isFile(resolve(build.absWorkingDir, input)));
  const outputs = outputsOf(result.metafile.outputs, build);
  // A file saved while esbuild ran may differ from what it read: such a build is not recorded under the new contents.
  if (!inputs.some((input) => modifiedSince(resolve(build.absWorkingDir, input), started))) remember(cacheDir, slot, build, inputs, outputs);
  return { hit: false, outputs };
}

/** Where the project's bundles are cached: `node_modules/.cache/approval-bundles` (ignored with node_modules), or BUNDLE_CACHE_DIR; `off` disables it. */
export function bundleCacheDir(projectRoot: string): string | undefined {
  const setting = process.env['BUNDLE_CACHE_DIR'];
  if (setting === 'off') return undefined;
  return setting ? resolve(setting) : join(projectRoot, 'node_modules', '.cache', 'approval-bundles');
}

function slotKey(build: CachedBuildOptions['build']): string {
  const { absWorkingDir, outdir, ...options } = build;
  return sha256(
    JSON.stringify({
      format: FORMAT,
      esbuild: esbuildVersion,
      absWorkingDir,
      // Source maps point from the output directory back to the sources.
      outdirToProject: relative(outdir, absWorkingDir),
      options,
      project: PROJECT_FILES.map((file) => [file, fileHash(join(absWorkingDir, file)) ?? 'absent']),
    }),
  );
}

/** The builds recorded in a slot, most recently used first. */
function records(slot: string): { name: string; record: BuildRecord }[] {
  let files: string[];
  try {
    files = readdirSync(slot).filter((file) => /^[0-9a-f]{64}\.json$/.test(file));
  } catch {
    return [];
  }
  return files
    .map((file) => ({ file, used: modifiedAt(join(slot, file)) }))
    .sort((a, b) => b.used - a.used)
    .flatMap(({ file }) => {
      const record = readRecord(join(slot, file));
      return record ? [{ name: file.slice(0, -'.json'.length), record }] : [];
    });
}

function readRecord(path: string): BuildRecord | undefined {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** One digest of the contents of `inputs` as they are now; a missing file changes it. */
function inputsDigest(root: string, inputs: string[]): string {
  const hash = createHash('sha256');
  for (const input of [...inputs].sort()) hash.update(`${input}\0${fileHash(resolve(root, input)) ?? 'absent'}\n`);
  return hash.digest('hex');
}

const objectPath = (cacheDir: string, hash: string) => join(cacheDir, 'objects', hash.slice(0, 2), hash);

/**
 * Puts a recorded build's files in `outdir` as hard links to their objects (a copy where linking
 * fails); false, with nothing written, if an object is missing. Objects are never written in place
 * (written aside, renamed in), and nothing writes into an asset directory, so the links stay as built.
 */
function linkOut(cacheDir: string, record: BuildRecord, outdir: string): boolean {
  if (!Object.values(record.outputs).every((hash) => isFile(objectPath(cacheDir, hash)))) return false;
  for (const [file, hash] of Object.entries(record.outputs)) {
    const target = join(outdir, file);
    mkdirSync(dirname(target), { recursive: true });
    rmSync(target, { force: true });
    try {
      linkSync(objectPath(cacheDir, hash), target);
    } catch {
      copyFileSync(objectPath(cacheDir, hash), target);
    }
  }
  return true;
}

/** Records a build: its objects first, then its record (written aside, renamed in), so a reader never sees half of one. */
function remember(cacheDir: string, slot: string, build: CachedBuildOptions['build'], inputs: string[], outputs: string[]): void {
  const entry: BuildRecord = {
    format: FORMAT,
    inputs: Object.fromEntries(inputs.map((input) => [input, fileHash(resolve(build.absWorkingDir, input)) ?? 'absent'])),
    outputs: {},
  };
  try {
    for (const file of outputs) {
      const content = readFileSync(join(build.outdir, file));
      const hash = sha256(content);
      entry.outputs[file] = hash;
      if (!isFile(objectPath(cacheDir, hash))) writeAside(objectPath(cacheDir, hash), content);
    }
    writeAside(join(slot, `${inputsDigest(build.absWorkingDir, inputs)}.json`), JSON.stringify(entry));
    for (const { name } of records(slot).slice(RECORDS_PER_SLOT)) rmSync(join(slot, `${name}.json`), { force: true });
    sweepObjects(cacheDir);
  } catch {
    // A cache that cannot be written is only slower; the build itself is in outdir.
  }
}

function writeAside(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const staging = `${path}.${process.pid}-${randomUUID()}.tmp`;
  try {
    writeFileSync(staging, content);
    renameSync(staging, path);
  } finally {
    rmSync(staging, { force: true });
  }
}

/** Deletes objects no record names any more (builds dropped from their slot), at most once a day. */
function sweepObjects(cacheDir: string): void {
  const stamp = join(cacheDir, 'swept');
  if (Date.now() - modifiedAt(stamp) < SWEEP_EVERY_MS) return;
  writeFileSync(stamp, '');
  const named = new Set<string>();
  const slots = join(cacheDir, 'slots');
  for (const slot of readdirSync(slots)) {
    for (const { record } of records(join(slots, slot))) for (const hash of Object.values(record.outputs)) named.add(hash);
  }
  const objects = join(cacheDir, 'objects');
  for (const prefix of readdirSync(objects)) {
    for (const hash of readdirSync(join(objects, prefix))) {
      const path = join(objects, prefix, hash);
      if (!named.has(hash) && Date.now() - modifiedAt(path) > UNREFERENCED_GRACE_MS) rmSync(path, { force: true });
    }
  }
}

function outputsOf(outputs: Record<string, unknown>, build: CachedBuildOptions['build']): string[] {
  return Object.keys(outputs).map((output) => relative(build.outdir, resolve(build.absWorkingDir, output)).split(sep).join('/'));
}

function touch(path: string): void {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    // Only the order in which old records are dropped depends on it.
  }
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** File times come from a coarse clock (a few ms behind Date.now()), hence the margin. */
function modifiedSince(path: string, time: number): boolean {
  try {
    return statSync(path).mtimeMs >= time - 20;
  } catch {
    return true;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Content hashes, remembered per file while its size, times and inode stay the same: a synth of
 * ~40 bundles reads the same few hundred dependency files for each.
 */
const hashes = new Map<string, { stamp: string; hash: string }>();
function fileHash(path: string): string | undefined {
  let stamp: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return undefined;
    stamp = `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}`;
  } catch {
    return undefined;
  }
  const known = hashes.get(path);
  if (known?.stamp === stamp) return known.hash;
  let hash: string;
  try {
    hash = sha256(readFileSync(path));
  } catch {
    return undefined;
  }
  hashes.set(path, { stamp, hash });
  return hash;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
