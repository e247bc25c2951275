import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { seoulDate } from '../../shared/kernel/seoul-time.js';
import {
  advanceClock,
  api,
  decisionLinkIn,
  emailsTo,
  eventually,
  newDataDir,
  type OwnBackend,
  removeDataDir,
  runSchedules,
  startBackend,
} from './harness.js';

const run = promisify(execFile);
const twoWeeksAgo = seoulDate(new Date(Date.now() - 14 * 86_400_000));

/**
 * The local runtime killed with SIGKILL in the middle of a burst of submissions and decisions, then
 * started again on the same data: what a caller was told (2xx) holds, what it was not told can be
 * retried safely, and nothing is stuck.
 */
describe('SIGKILL in the middle of a burst, then a restart', () => {
  it('every 2xx submission exists once, every 2xx decision stands and its workflow moves on, open links work, the month reconciles', async () => {
    const dataDir = await newDataDir();
    let backend: OwnBackend = await startBackend(dataDir);
    try {
      const requesters = ['E1043', 'E1044', 'E1045', 'E1046', 'E1047', 'E1048', 'E1049', 'E1050'];
      const keyless = ['E1036', 'E1037', 'E1038'];
      const claim = (i: number) => ({ kind: 'health-checkup', checkupDate: twoWeeksAgo, amountPaid: 300_000 + i * 1000, clinic: '한빛검진센터' });
      // Two claims already waiting, to be decided during the burst.
      const waitingOnes = await Promise.all(
        ['E1051', 'E1052'].map(async (as, i) => {
          const submitted = await api(backend, 'POST', '/requests', { as, json: claim(50 + i) });
          expect(submitted.status, submitted.text).toBe(201);
          const step = await eventually(async () => {
            const read = await api(backend, 'GET', `/requests/${submitted.body.id}`, { as });
            const found = (read.body.steps as { status: string; approverId: string; index: number }[]).find((s) => s.status === 'waiting');
            if (!found) throw new Error('not open yet');
            return found;
          });
          return { id: submitted.body.id as string, requester: as, step };
        }),
      );

      // The burst: submissions with Idempotency-Keys and the two decisions, all at once; the kill lands in the middle.
      const outcomes = new Map<string, number | 'no answer'>();
      let firstAnswer: () => void = () => undefined;
      const answered = new Promise<void>((done) => (firstAnswer = done));
      const burst = [
        ...requesters.map(async (as, i) => {
          const response = await api(backend, 'POST', '/requests', { as, json: claim(i), headers: { 'idempotency-key': `burst-${as}` } }).catch(
            () => undefined,
          );
          outcomes.set(`submit ${as}`, response?.status ?? 'no answer');
          if (response) firstAnswer();
        }),
        // Clients that send no Idempotency-Key cannot retry safely; they give up when cut off.
        ...keyless.map(async (as, i) => {
          const response = await api(backend, 'POST', '/requests', { as, json: claim(20 + i) }).catch(() => undefined);
          outcomes.set(`submit ${as} (no key)`, response?.status ?? 'no answer');
          if (response) firstAnswer();
        }),
        ...waitingOnes.map(async ({ id, step }) => {
          const response = await api(backend, 'POST', `/approvals/${id}/decision`, { as: step.approverId, json: { decision: 'approve' } }).catch(
            () => undefined,
          );
          outcomes.set(`decide ${id}`, response?.status ?? 'no answer');
          if (response) firstAnswer();
        }),
      ];
      // Killed once the first caller has its answer: some were told, some were cut off mid-write.
      await Promise.race([answered, new Promise((done) => setTimeout(done, 10_000))]);
      await backend.crash();
      await Promise.all(burst);
      // On the same port, as the office's API keeps its address: links in emails sent before the kill point there.
      backend = await startBackend(dataDir, { env: { PORT: new URL(backend.apiUrl).port } });

      const submitted: { id: string; requester: string }[] = [];
      // Submissions: retried with the same key (as a client would when it got no answer), each exists exactly once.
      for (const as of requesters) {
        const retried = await api(backend, 'POST', '/requests', {
          as,
          json: claim(requesters.indexOf(as)),
          headers: { 'idempotency-key': `burst-${as}` },
        });
        expect([200, 201], `${as} after ${outcomes.get(`submit ${as}`)}: ${retried.text}`).toContain(retried.status);
        if (outcomes.get(`submit ${as}`) === 201) expect(retried.status, `${as} was told 201: the retry must replay it`).toBe(200);
        const own = (await api(backend, 'GET', '/requests', { as })).body.items as { id: string }[];
        expect(own.map((request) => request.id)).toEqual([retried.body.id]);
        submitted.push({ id: retried.body.id as string, requester: as });
      }

      // A submission without a key exists at most once; told 201, it exists. If it was stored, it moves
      // on like the others below (the sweep starts a workflow the kill kept from starting).
      for (const as of keyless) {
        const own = (await api(backend, 'GET', '/requests', { as })).body.items as { id: string }[];
        expect(own.length, `${as} after ${outcomes.get(`submit ${as} (no key)`)}`).toBeLessThanOrEqual(1);
        if (outcomes.get(`submit ${as} (no key)`) === 201) expect(own).toHaveLength(1);
        for (const { id } of own) submitted.push({ id, requester: as });
      }

      // Decisions told 2xx stand; the workflow moves on (the sweep tells it again if the kill came in between).
      await advanceClock(backend, 'PT20M');
      await runSchedules(backend);
      for (const { id, requester, step } of waitingOnes) {
        const decided = outcomes.get(`decide ${id}`);
        const read = await api(backend, 'GET', `/requests/${id}`, { as: requester });
        if (decided === 200) expect(read.body.steps[step.index].status, `${id} was told 200`).toBe('approved');
        await eventually(async () => {
          const now = await api(backend, 'GET', `/requests/${id}`, { as: requester });
          const steps = now.body.steps as { status: string; index: number }[];
          if (now.body.status !== 'approved' && !steps.some((s) => s.status === 'waiting')) throw new Error(`${id} is stuck`);
        }, 60_000);
      }

      // Nobody waits on a link they never got: every step now waiting has its holder's email, and the
      // newest one for the request opens its decision page (a task cut off by the kill ran again).
      const everyRequest = [...waitingOnes, ...submitted];
      for (const { id, requester } of everyRequest) {
        await eventually(async () => {
          const read = await api(backend, 'GET', `/requests/${id}`, { as: requester });
          const waiting = (read.body.steps as { status: string; approverId: string }[]).filter((s) => s.status === 'waiting');
          if (read.body.status === 'in-review' && waiting.length === 0) throw new Error(`${id}: no step waiting yet`);
          for (const step of waiting) {
            const person = (await api(backend, 'GET', `/directory/people/${step.approverId}`, { as: 'E1024' })).body as { email: string };
            const newest = (await emailsTo(backend, person.email, id)).at(-1);
            if (!newest) throw new Error(`${id}: ${step.approverId} waits without an email`);
            const page = await fetch(decisionLinkIn(newest));
            if (page.status !== 200) throw new Error(`${id}: the newest link to ${step.approverId} answers ${page.status}`);
          }
        }, 60_000);
      }

      const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit' }).format(new Date());
      const reconciled = await run(process.execPath, ['--import', 'tsx', 'infra/local/finance-cli.ts', 'reconcile', '--month', month], {
        env: { ...process.env, DATA_DIR: dataDir },
      });
      expect(JSON.parse(reconciled.stdout).differences).toEqual([]);
      console.log(`crash-restart outcomes before the kill: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    } finally {
      await backend.stop();
      await removeDataDir(dataDir);
    }
  }, 600_000);
});
