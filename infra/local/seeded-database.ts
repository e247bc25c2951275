import { createHash, randomUUID } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from './local-assembly.js';

/**
 * A new DATA_DIR starts from a copy of the database an earlier start had right after it loaded the
 * seeds into an empty table, instead of loading them again.
 *
 * Loading the seeds into an empty table — 36 organisation items, 85 people, 232 vehicles and their
 * odometers — takes DynamoDB Local 3–6 s on two cores (it commits every write to its SQLite file).
 * What it leaves depends only on the table's definition, the seed files and the code that loads
 * them, all in the key (the local assembly's key covers the table and shared/; the seeds and the
 * runtime that loads them are added here): a copy of that file is the same database. The copy is
 * taken when the load has returned and before the API serves, so DynamoDB Local is idle and the file
 * complete (it keeps no journal between writes; a journal beside it means not idle, and no copy is
 * taken). A DATA_DIR that has a database already gets the seeds reapplied only when they (or the
 * code that loads them) changed since they were last loaded into it.
 */
/** DynamoDB Local's one file with -sharedDb; without it, one file per access key and region (`databaseFileFor`). */
export const SHARED_DATABASE_FILE = 'shared-local-instance.db';
export const databaseFileFor = (accessKeyId: string, region: string) => `${accessKeyId}_${region}.db`;
const KEPT = 4;
/** Beside the database file (so removing the database directory removes it too): the key of the seeds last loaded. */
const seededMarker = (databaseFile: string) => (databaseFile === SHARED_DATABASE_FILE ? 'seeded-with.sha256' : `${databaseFile}.seeded-with.sha256`);
const SHAPING_FILES = ['infra/local/seed/directory.json', 'infra/local/seed/fleet.json', 'infra/local/runtime.ts', 'infra/local/seeded-database.ts'];

export interface SeededDatabase {
  /** The database was copied in: the seeds are loaded already. */
  restored: boolean;
  /** The data directory's database had these very seeds loaded by an earlier start: nothing to reapply. */
  current: boolean;
  /** After the seeds were loaded: remembers it for this data directory, and keeps a copy for the next new one. */
  keep(): Promise<void>;
}

/**
 * Before DynamoDB Local starts on `databaseDir`: copies the seeded database in if there is none and
 * one is cached, or says the database there has these seeds already. Reapplying the same seeds
 * changes nothing (people an admin edited are left as they are either way), so it is skipped.
 */
export async function prepareSeededDatabase(input: {
  databaseDir: string;
  /** The file DynamoDB Local keeps this runtime's tables in; default its -sharedDb file. */
  databaseFile?: string;
  assemblyKey: string;
  cacheDir: string | undefined;
}): Promise<SeededDatabase> {
  const { databaseDir, cacheDir } = input;
  const databaseFile = input.databaseFile ?? SHARED_DATABASE_FILE;
  const file = join(databaseDir, databaseFile);
  const marker = join(databaseDir, seededMarker(databaseFile));
  const created = !existsSync(file);
  const key = await seededKey(input.assemblyKey);
  const remember = () =>
    mkdir(databaseDir, { recursive: true })
      .then(() => writeFile(marker, `${key}\n`))
      .catch(() => undefined);
  if (!created) {
    const current = (await readFile(marker, 'utf8').catch(() => '')).trim() === key;
    return { restored: false, current, keep: current ? async () => undefined : remember };
  }
  await rm(marker, { force: true }); // a marker without its database says nothing
  const cached = cacheDir === undefined ? undefined : join(cacheDir, `${key}.db`);
  if (cached === undefined || cacheDir === undefined) return { restored: false, current: false, keep: remember };

  await mkdir(databaseDir, { recursive: true });
  try {
    // A copy, never a link: DynamoDB Local writes to it.
    await copyFile(cached, file, constants.COPYFILE_FICLONE);
    const now = new Date();
    await utimes(cached, now, now).catch(() => undefined);
    await remember();
    return { restored: true, current: true, keep: async () => undefined };
  } catch {
    await rm(file, { force: true });
  }
  return {
    restored: false,
    current: false,
    async keep() {
      await remember();
      // A journal (SQLite's rollback journal or write-ahead log): a write in progress.
      const journal = (await readdir(databaseDir)).some((name) => name.startsWith(`${databaseFile}-`));
      if (journal) return;
      const staging = `${cached}.${process.pid}-${randomUUID()}.tmp`;
      try {
        await mkdir(cacheDir, { recursive: true });
        await copyFile(file, staging);
        await rename(staging, cached);
        const kept = await Promise.all(
          (await readdir(cacheDir))
            .filter((name) => /^[0-9a-f]{64}\.db$/.test(name))
            .map(async (name) => ({ name, used: (await stat(join(cacheDir, name))).mtimeMs })),
        );
        for (const { name } of kept.sort((a, b) => b.used - a.used).slice(KEPT)) await rm(join(cacheDir, name), { force: true });
      } catch {
        // Not kept: the next new DATA_DIR loads the seeds.
      } finally {
        await rm(staging, { force: true });
      }
    },
  };
}

/** Where seeded databases are kept: beside the local assemblies. */
export const seededDatabaseCacheDir = (assemblyCacheDir: string | undefined) =>
  assemblyCacheDir === undefined ? undefined : join(assemblyCacheDir, 'seeded');

async function seededKey(assemblyKey: string): Promise<string> {
  const hash = createHash('sha256').update(`assembly\0${assemblyKey}\n`);
  for (const file of SHAPING_FILES)
    hash
      .update(`${file}\0`)
      .update(await readFile(join(projectRoot, file)).catch(() => 'absent'))
      .update('\n');
  return hash.digest('hex');
}
