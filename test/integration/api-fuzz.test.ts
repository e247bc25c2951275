import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { directorySnapshotSchema } from '../../shared/directory/directory.js';
import { changesState, type FuzzCase, type FuzzWorld, fuzzCase, operationsOf, send } from '../fuzz/api-fuzz.js';
import { api, decisionLinkIn, suiteBackend, tokenFor, waitForEmail } from './harness.js';

const run = promisify(execFile);
const directory = directorySnapshotSchema.parse(JSON.parse(readFileSync(new URL('../../infra/local/seed/directory.json', import.meta.url), 'utf8')));
const emailOf = (id: string) => directory.people.find((person) => person.id === id)?.email ?? '';

/** Fixed, so a failure can be replayed: `FUZZ_SEED=<seed> npx vitest run test/integration/api-fuzz.test.ts`. */
const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? 20261127);
const FUZZ_RUNS = Number(process.env['FUZZ_RUNS'] ?? 250);

describe('every operation of openapi.json, fuzzed through the local runtime', () => {
  const backend = suiteBackend();

  it(`answers ${FUZZ_RUNS} generated requests (seed ${FUZZ_SEED}) without a 5xx, refusing in Korean; what it refused changed nothing`, async () => {
    // Two requests to aim at: a health claim in review (a link open for its welfare officer) and a repair.
    const claim = await api(backend, 'POST', '/requests', {
      as: 'E1034',
      json: { kind: 'health-checkup', checkupDate: '2026-11-02', amountPaid: 300_000, clinic: '한빛검진센터' },
    });
    expect(claim.status, claim.text).toBe(201);
    const repair = await api(backend, 'POST', '/requests', {
      as: 'E1041',
      json: {
        kind: 'facility-repair',
        building: 'main-hall',
        floor: '2F',
        location: '복도',
        category: 'leak',
        urgency: 'normal',
        description: '누수',
      },
    });
    expect(repair.status, repair.text).toBe(201);
    const holder = (claim.body.steps as { approverId: string }[])[0]?.approverId ?? '';
    const link = decisionLinkIn(await waitForEmail(backend, emailOf(holder), claim.body.id));
    const fixtures = [claim.body.id as string, repair.body.id as string];
    const stateOf = async (id: string, as: string) => {
      const read = await api(backend, 'GET', `/requests/${id}`, { as });
      return { status: read.body.status as string, version: read.body.version as number, details: read.body.details as unknown };
    };
    const before = { [claim.body.id]: await stateOf(claim.body.id, 'E1034'), [repair.body.id]: await stateOf(repair.body.id, 'E1041') };

    const callers = { requester: 'E1034', approver: holder, admin: 'E1024', finance: 'E1029', stranger: 'E1099' };
    const world: FuzzWorld = {
      apiUrl: backend.apiUrl,
      requestIds: fixtures,
      linkIds: [link.slice(link.lastIndexOf('/') + 1)],
      tokens: {
        none: undefined,
        forged: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJFMTAzNCJ9.',
        ...Object.fromEntries(await Promise.all(Object.entries(callers).map(async ([role, id]) => [role, await tokenFor(backend, id)]))),
      },
    };
    const operations = operationsOf(new URL('../../openapi.json', import.meta.url));
    const accepted: FuzzCase[] = [];
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(fuzzCase(operations, world), async (input) => {
        const outcome = await send(world, input);
        statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
        if (outcome.status < 300 && changesState(input)) accepted.push(input);
        expect(outcome.problems, `${input.operation.method} ${input.path} as ${input.caller}`).toEqual([]);
      }),
      { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, endOnFailure: true },
    );
    console.log(`fuzz: ${FUZZ_RUNS} requests, seed ${FUZZ_SEED}, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    // Every operation was tried, and it did not only refuse.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);

    // A fixture no accepted change could have reached is exactly as it was.
    const couldChange = (id: string) =>
      accepted.some(
        (input) =>
          input.path.includes(encodeURIComponent(id)) ||
          input.path.includes('/decisions/') ||
          input.operation.id.includes('Delegation') ||
          input.operation.id === 'financePayments',
      );
    for (const [id, owner] of [
      [claim.body.id, 'E1034'],
      [repair.body.id, 'E1041'],
    ] as const) {
      if (!couldChange(id)) expect(await stateOf(id, owner), id).toEqual(before[id]);
    }
    // And the money still adds up: the month's totals equal what its events say.
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit' }).format(new Date());
    const reconciled = await run(process.execPath, ['--import', 'tsx', 'infra/local/finance-cli.ts', 'reconcile', '--month', month], {
      env: { ...process.env, DATA_DIR: backend.dataDir },
    });
    expect(JSON.parse(reconciled.stdout).differences).toEqual([]);
  }, 600_000);
});
