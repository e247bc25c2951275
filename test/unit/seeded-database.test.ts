import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareSeededDatabase } from '../../infra/local/seeded-database.js';

// DynamoDB Local's file with -sharedDb; the content stands in for a database the seeds were loaded into.
const DATABASE_FILE = 'shared-local-instance.db';
const SEEDED = 'the seeds, loaded';

let work: string;
let cacheDir: string;
const databaseDir = (dataDir: string) => join(work, dataDir, 'dynamodb');
const prepare = (dataDir: string, assemblyKey = 'assembly-1') => prepareSeededDatabase({ databaseDir: databaseDir(dataDir), assemblyKey, cacheDir });
/** What a start does after `prepare` when the database was not restored: DynamoDB Local creates it and the seeds load. */
const loadSeeds = async (dataDir: string) => {
  await mkdir(databaseDir(dataDir), { recursive: true });
  await writeFile(join(databaseDir(dataDir), DATABASE_FILE), SEEDED);
};

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'seeded-database-'));
  cacheDir = join(work, 'cache');
});
afterEach(() => rm(work, { recursive: true, force: true }));

describe('the seeded database', () => {
  it('starts a new data directory from the database an earlier start kept once its seeds were loaded', async () => {
    const first = await prepare('first');
    expect(first.restored).toBe(false);
    await loadSeeds('first');
    await first.keep();

    const second = await prepare('second');

    expect(second.restored).toBe(true);
    expect(await readFile(join(databaseDir('second'), DATABASE_FILE), 'utf8')).toBe(SEEDED);
  });

  it('leaves a data directory that has a database as it is: its seeds are reapplied', async () => {
    const first = await prepare('first');
    await loadSeeds('first');
    await first.keep();
    await mkdir(databaseDir('used'), { recursive: true });
    await writeFile(join(databaseDir('used'), DATABASE_FILE), 'requests made since');

    const used = await prepare('used');
    await used.keep();

    expect(used.restored).toBe(false);
    expect(await readFile(join(databaseDir('used'), DATABASE_FILE), 'utf8')).toBe('requests made since');
    expect((await readdir(cacheDir)).filter((name) => name.endsWith('.db'))).toHaveLength(1);
  });

  it('skips reapplying the seeds on a data directory they were loaded into, until they change', async () => {
    const first = await prepare('dev');
    expect(first.current).toBe(false);
    await loadSeeds('dev');
    await first.keep();

    const again = await prepare('dev');
    expect(again).toMatchObject({ restored: false, current: true });
    expect((await prepare('dev', 'assembly-2')).current).toBe(false); // other seeds, or other code loading them

    await rm(databaseDir('dev'), { recursive: true }); // the database removed, as one resets a DATA_DIR: it starts seeded afresh
    await mkdir(databaseDir('dev'), { recursive: true });
    await writeFile(join(databaseDir('dev'), DATABASE_FILE), 'a database from elsewhere');
    expect((await prepare('dev')).current).toBe(false);
  });

  it('does not reuse a database made for another app or other seeds', async () => {
    const first = await prepare('first', 'assembly-1');
    await loadSeeds('first');
    await first.keep();

    expect((await prepare('other', 'assembly-2')).restored).toBe(false);
  });

  it('keeps no copy while DynamoDB Local has a journal open beside the database (a write in progress)', async () => {
    const first = await prepare('first');
    await loadSeeds('first');
    await writeFile(join(databaseDir('first'), `${DATABASE_FILE}-journal`), '');

    await first.keep();

    expect((await prepare('second')).restored).toBe(false);
  });

  it("serves a DynamoDB Local shared by several runtimes: one file per access key, other keys' files and journals beside it", async () => {
    const shared = join(work, 'shared-dynamodb');
    const prepareKey = (key: string) =>
      prepareSeededDatabase({ databaseDir: shared, databaseFile: `${key}_ap-northeast-2.db`, assemblyKey: 'assembly-1', cacheDir });
    await mkdir(shared, { recursive: true });
    await writeFile(join(shared, 'busy_ap-northeast-2.db-journal'), ''); // another runtime writing its own database

    const first = await prepareKey('first');
    await writeFile(join(shared, 'first_ap-northeast-2.db'), SEEDED);
    await first.keep();
    const second = await prepareKey('second');

    expect(second).toMatchObject({ restored: true, current: true });
    expect(await readFile(join(shared, 'second_ap-northeast-2.db'), 'utf8')).toBe(SEEDED);
    expect((await prepareKey('first')).current).toBe(true); // each file has its own marker
  });
});
