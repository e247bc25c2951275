import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { directorySnapshotSchema } from '../../shared/directory/directory.js';
import { readConfig } from '../../shared/kernel/config.js';
import { issueToken } from './jwt-issuer.js';
import { SEED_DIRECTORY } from './seed.js';

/** `npm run --silent token -- <employeeId>`: a bearer token for a seeded person, from the local issuer. */
const { DATA_DIR } = readConfig({ DATA_DIR: z.string().min(1).default('.local') });
const employeeId = process.argv[2];
const directory = directorySnapshotSchema.parse(JSON.parse(await readFile(SEED_DIRECTORY, 'utf8')));
const person = directory.people.find((candidate) => candidate.id === employeeId);
if (!person) {
  console.error(`usage: npm run --silent token -- <employeeId>  (e.g. E1020; see ${SEED_DIRECTORY})`);
  process.exit(2);
}
console.log(await issueToken({ dataDir: DATA_DIR, subject: person.id }));
