import { createHash, randomUUID } from 'node:crypto';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { BUNDLING_CONTEXT } from '../bundling.js';
import { LOCAL_JWT } from './jwt-issuer.js';

/**
 * The synthesized app the local runtime runs: synthesized, or — when nothing that shapes it changed
 * since a previous start — the template and bundles that synthesis produced then, reused.
 *
 * The API's URL is the one value that changes at every start (its port is chosen then; tests use
 * port 0). It only reaches the template as the functions' PUBLIC_BASE_URL, so the app is synthesized
 * with a placeholder in its place and the URL written over the placeholder on the way out, on both
 * paths: what the runtime gets is what a synth with the URL itself gives (test/infra checks it).
 *
 * What shapes the template (the cache key): the sources of the app and its functions (infra/
 * without infra/local/, which only runs the result, functions/, workflows/, shared/), this file
 * and the bundle cache, the installed packages and project settings, the stage context, the
 * office policy file (OFFICE_POLICY_FILE) and CDK_* variables.
 */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Stands in for the API's URL until the runtime knows it. */
export const API_URL_PLACEHOLDER = 'http://api-url.local-runtime.invalid';

const FORMAT = 1;
/** Assemblies kept: the current sources' and a few before (another branch, a change being tried and undone). */
const KEPT = 4;
const SOURCE_DIRS = ['infra', 'functions', 'workflows', 'shared'];
const NOT_SHAPING = ['infra/local/'];
const SHAPING_FILES = [
  'infra/local/local-assembly.ts',
  'infra/local/bundle-cache.ts',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
  'tsconfig.json',
  'cdk.json',
];

/** The CDK context the local runtime synthesizes the app with: the `local` stage, links pointing at `publicBaseUrl`. */
export function localStageContext(publicBaseUrl: string): Record<string, unknown> {
  return {
    // The CLI sets this; without it the template does not say which asset directory holds each bundle.
    'aws:cdk:enable-asset-metadata': true,
    // One build of every handler: the fresh start's bundling ≈ 2 s instead of ≈ 18 s (app-function.ts).
    [BUNDLING_CONTEXT]: 'shared',
    stage: 'local',
    stages: {
      local: {
        mailFrom: 'no-reply@guchung.example.kr',
        jwtIssuer: LOCAL_JWT.issuer,
        jwtAudience: [LOCAL_JWT.audience],
        publicBaseUrl,
        retainData: false,
      },
    },
  };
}

export interface LocalAssemblyOptions {
  /** The API's URL: the functions' PUBLIC_BASE_URL. */
  apiUrl: string;
  /** Where the bundles go (asset directories, as `aws:asset:path` names them); inside the project, so they resolve node_modules. */
  outdir: string;
  /** Where assemblies are kept between starts; `undefined` synthesizes every time. */
  cacheDir: string | undefined;
  /** `localAssemblyKey(outdir)`, when the caller has it already. */
  key?: string;
}

export interface LocalAssembly {
  /** The stack's CloudFormation template, for `apiUrl`. */
  template: unknown;
  cached: boolean;
}

export async function localAssembly(options: LocalAssemblyOptions): Promise<LocalAssembly> {
  const outdir = resolve(options.outdir);
  const context = localStageContext(API_URL_PLACEHOLDER);
  const entry = options.cacheDir === undefined ? undefined : join(options.cacheDir, options.key ?? (await localAssemblyKey(outdir)));
  const reused = entry === undefined ? undefined : await reuse(entry, outdir);
  if (reused !== undefined) return { template: withApiUrl(reused, options.apiUrl), cached: true };

  // Only a synthesis needs the CDK app (≈1.5 s to import aws-cdk-lib and cdk-nag).
  const { buildApp } = await import('../build-app.js');
  // cdk-nag still checks the app; CDK's built-in CloudFormation validation (≈5 s of WASM) is left to
  // `cdk synth` and the infra tests: it reports, it never changes the template.
  const { app, stack } = buildApp({ outdir, context, builtinCloudFormationValidation: false });
  const template: unknown = app.synth().getStackByName(stack.stackName).template;
  if (entry !== undefined && options.cacheDir !== undefined) await keep(options.cacheDir, entry, outdir, template);
  return { template: withApiUrl(template, options.apiUrl), cached: false };
}

/** Where the local runtime keeps assemblies: `node_modules/.cache/approval-local` (ignored with node_modules), or LOCAL_ASSEMBLY_CACHE_DIR; `off` disables it. */
export function localAssemblyCacheDir(): string | undefined {
  const setting = process.env['LOCAL_ASSEMBLY_CACHE_DIR'];
  if (setting === 'off') return undefined;
  return setting ? resolve(setting) : join(projectRoot, 'node_modules', '.cache', 'approval-local');
}

function withApiUrl(template: unknown, apiUrl: string): unknown {
  return JSON.parse(JSON.stringify(template).replaceAll(API_URL_PLACEHOLDER, apiUrl));
}

/** A digest of everything that shapes the local assembly written to `outdir`. */
export async function localAssemblyKey(outdir: string): Promise<string> {
  const context = localStageContext(API_URL_PLACEHOLDER);
  const hash = createHash('sha256');
  const add = (label: string, value: string | Buffer) => hash.update(`${label}\0`).update(value).update('\n');
  add('format', String(FORMAT));
  add('context', JSON.stringify(context));
  // Bundles' source maps are relative to where they are written.
  add('outdir', relative(resolve(outdir), projectRoot));
  const sources = (await Promise.all(SOURCE_DIRS.map((dir) => filesUnder(dir))))
    .flat()
    .filter((file) => !NOT_SHAPING.some((p) => file.startsWith(p)));
  for (const file of [...new Set([...sources, ...SHAPING_FILES])].sort()) add(file, await readFile(join(projectRoot, file)).catch(() => 'absent'));
  const policyFile = process.env['OFFICE_POLICY_FILE'];
  if (policyFile) add(`OFFICE_POLICY_FILE=${resolve(policyFile)}`, await readFile(policyFile).catch(() => 'absent'));
  for (const [name, value] of Object.entries(process.env).sort(([a], [b]) => a.localeCompare(b))) if (name.startsWith('CDK_')) add(name, value ?? '');
  return hash.digest('hex');
}

/** Files under a directory of the project, as `/`-separated paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(projectRoot, dir), { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(`${dir}/${entry.name}`) : Promise.resolve(entry.isFile() ? [`${dir}/${entry.name}`] : []),
    ),
  );
  return nested.flat();
}

/** The asset directories a template names. */
function assetPaths(template: unknown): string[] {
  const resources = z
    .object({ Resources: z.record(z.string(), z.object({ Metadata: z.record(z.string(), z.unknown()).optional() })) })
    .parse(template).Resources;
  const paths = Object.values(resources).flatMap((resource) => {
    const path = resource.Metadata?.['aws:asset:path'];
    // A nested stack's template (Monitoring's alarms): nothing of it runs locally.
    return typeof path === 'string' && !path.endsWith('.nested.template.json') ? [path] : [];
  });
  for (const path of paths) if (!/^asset\.[0-9a-f]+$/.test(path)) throw new Error(`unexpected asset path ${path} in the local template`);
  return [...new Set(paths)];
}

/** The cached template, its bundles linked into `outdir`; undefined if there is none (or it went away meanwhile). */
async function reuse(entry: string, outdir: string): Promise<unknown> {
  let template: unknown;
  try {
    template = JSON.parse(await readFile(join(entry, 'template.json'), 'utf8'));
    for (const path of assetPaths(template)) await linkTree(join(entry, path), join(outdir, path));
  } catch {
    await rm(outdir, { recursive: true, force: true });
    return undefined;
  }
  const now = new Date();
  await utimes(entry, now, now).catch(() => undefined);
  return template;
}

/** Keeps a synthesized assembly (its template and bundles, as links): assembled aside, then renamed in. */
async function keep(cacheDir: string, entry: string, outdir: string, template: unknown): Promise<void> {
  const staging = `${entry}.${process.pid}-${randomUUID()}.tmp`;
  try {
    await mkdir(staging, { recursive: true });
    for (const path of assetPaths(template)) await linkTree(join(outdir, path), join(staging, path));
    await writeFile(join(staging, 'template.json'), JSON.stringify(template));
    await rename(staging, entry).catch(() => undefined); // another start kept the same assembly first
    const kept = await Promise.all(
      (await readdir(cacheDir))
        .filter((name) => /^[0-9a-f]{64}$/.test(name))
        .map(async (name) => ({ name, used: (await stat(join(cacheDir, name))).mtimeMs })),
    );
    // A running runtime does not need its entry: it has its own links.
    for (const { name } of kept.sort((a, b) => b.used - a.used).slice(KEPT)) await rm(join(cacheDir, name), { recursive: true, force: true });
  } catch {
    // Not kept: the next start synthesizes again.
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Removes the output directories in `synthDir` (`.synth/`) that belong to processes no longer
 * running: a runtime removes its own when it stops, but one that was killed (SIGKILL, a closed
 * terminal, the crash test) leaves it behind, and they added up to gigabytes. A directory is named
 * `[<label>-]<pid>-<epoch ms>[-<name>]`; one whose process is alive, or whose name says no process,
 * is left alone. Answers the names removed.
 */
export async function removeAbandonedOutdirs(synthDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(synthDir).catch(() => [])) {
    const pid = Number(/^(?:[a-z]+-)?(\d+)-\d{12,}(?:-.*)?$/.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || processIsAlive(pid)) continue;
    await rm(join(synthDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Mirrors a directory tree with hard links to its files (copies where linking fails). */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await linkTree(source, target);
    else await link(source, target).catch(() => copyFile(source, target));
  }
}
