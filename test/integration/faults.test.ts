import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { advanceClock, api, decisionLinkIn, eventually, postForm, type RunningBackend, runSchedules, suiteBackend, waitForEmail } from './harness.js';

/**
 * Faults injected into the real code paths of the local runtime (the functions' DynamoDB client, below
 * the SDK's retries; the Step Functions endpoint), and what a user sees afterwards. What must hold:
 * a caller gets a Korean 503 with Retry-After or the operation succeeds on retry, nothing is half
 * applied, and a decision once answered 2xx is never lost.
 */

type Fault = { target: 'dynamodb' | 'sfn'; kind: 'throttle' | 'outage'; operations?: string[]; times?: number };

const claim = (amountPaid: number) => ({ kind: 'health-checkup', checkupDate: '2026-11-02', amountPaid, clinic: '한빛검진센터' });

describe('faults survived: nothing lost, nothing half applied', () => {
  const backend = suiteBackend();

  const inject = async (...faults: Fault[]) => expect((await api(backend, 'POST', '/_local/faults', { json: { faults } })).status).toBe(200);
  const heal = async () => (await api(backend, 'DELETE', '/_local/faults')).body.faults as (Fault & { hits: number })[];
  const own = async (as: string) => (await api(backend, 'GET', '/requests', { as })).body.items as { id: string; status: string }[];
  const read = async (id: string, as: string) => (await api(backend, 'GET', `/requests/${id}`, { as })).body;
  /** The step waiting for a decision now, once the workflow has opened it. */
  const waiting = (id: string, as: string) =>
    eventually(async () => {
      const step = ((await read(id, as)).steps as { status: string; approverId: string; index: number }[]).find((s) => s.status === 'waiting');
      if (!step) throw new Error(`no waiting step on ${id} yet`);
      return step;
    });
  const expectRetryLater = (response: Awaited<ReturnType<typeof api>>) => {
    expect(response.status, response.text).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(response.body.message).toMatch(/다시 시도하세요/);
    expect(response.text).not.toMatch(/ProvisionedThroughput|ECONNREFUSED|Exception/);
  };

  it('throttling the SDK retries away: the submission succeeds, stored once', async () => {
    await inject({ target: 'dynamodb', kind: 'throttle', operations: ['TransactWriteItems'], times: 2 });
    const submitted = await api(backend, 'POST', '/requests', { as: 'E1035', json: claim(310_000) });
    expect(submitted.status, submitted.text).toBe(201);
    expect((await heal())[0]?.hits).toBe(2);
    expect((await own('E1035')).map((request) => request.id)).toEqual([submitted.body.id]);
  });

  it('throttling that outlasts the retries: a Korean 503, nothing stored; the same Idempotency-Key then stores it once', async () => {
    await inject({ target: 'dynamodb', kind: 'throttle', operations: ['TransactWriteItems'] });
    const headers = { 'idempotency-key': 'fault-submit-1' };
    expectRetryLater(await api(backend, 'POST', '/requests', { as: 'E1036', json: claim(320_000), headers }));
    await heal();
    expect(await own('E1036')).toEqual([]);
    const retried = await api(backend, 'POST', '/requests', { as: 'E1036', json: claim(320_000), headers });
    expect(retried.status, retried.text).toBe(201);
    expect((await api(backend, 'POST', '/requests', { as: 'E1036', json: claim(320_000), headers })).status).toBe(200);
    expect((await own('E1036')).map((request) => request.id)).toEqual([retried.body.id]);
  });

  it('a table outage during a decision: 503, the step still waits, and its email link still decides afterwards', async () => {
    const submitted = await api(backend, 'POST', '/requests', { as: 'E1037', json: claim(330_000) });
    const step = await waiting(submitted.body.id, 'E1037');
    const approver = (await api(backend, 'GET', `/directory/people/${step.approverId}`, { as: 'E1024' })).body as { email: string };
    const link = decisionLinkIn(await waitForEmail(backend, approver.email, submitted.body.id));

    await inject({ target: 'dynamodb', kind: 'outage', operations: ['TransactWriteItems'] });
    expectRetryLater(await api(backend, 'POST', `/approvals/${submitted.body.id}/decision`, { as: step.approverId, json: { decision: 'approve' } }));
    await heal();
    const after = await read(submitted.body.id, 'E1037');
    expect(after.steps[step.index].status).toBe('waiting');
    expect(after.version).toBe((await read(submitted.body.id, 'E1037')).version);

    const decided = await postForm(link, { decision: 'approve', comment: '확인' });
    expect(decided.status, decided.text).toBe(200);
    expect((await read(submitted.body.id, 'E1037')).steps[step.index].status).toBe('approved');
  });

  it('a withdrawal while the table throttles: 503 and still in review; the retry withdraws', async () => {
    const submitted = await api(backend, 'POST', '/requests', { as: 'E1038', json: claim(340_000) });
    await waiting(submitted.body.id, 'E1038');
    await inject({ target: 'dynamodb', kind: 'throttle', operations: ['TransactWriteItems'] });
    expectRetryLater(await api(backend, 'POST', `/requests/${submitted.body.id}/withdraw`, { as: 'E1038', json: { reason: '착오' } }));
    await heal();
    expect((await read(submitted.body.id, 'E1038')).status).toBe('in-review');
    const withdrawn = await api(backend, 'POST', `/requests/${submitted.body.id}/withdraw`, { as: 'E1038', json: { reason: '착오' } });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
  });

  it('Step Functions unreachable when a stage is decided: the decision stands (200); the sweep tells the workflow later and it moves on', async () => {
    const submitted = await api(backend, 'POST', '/requests', { as: 'E1039', json: claim(350_000) });
    const first = await waiting(submitted.body.id, 'E1039');
    await inject({ target: 'sfn', kind: 'outage', operations: ['SendTaskSuccess'] });
    const decided = await api(backend, 'POST', `/approvals/${submitted.body.id}/decision`, { as: first.approverId, json: { decision: 'approve' } });
    expect(decided.status, decided.text).toBe(200);
    expect((await heal()).reduce((sum, fault) => sum + fault.hits, 0)).toBeGreaterThan(0);
    // Recorded, though the workflow has not heard: the next stage is not open yet.
    const recorded = await read(submitted.body.id, 'E1039');
    expect(recorded.steps[first.index].status).toBe('approved');
    expect(recorded.steps.some((step: { status: string }) => step.status === 'waiting')).toBe(false);

    await advanceClock(backend, 'PT20M');
    await runSchedules(backend);
    const next = await waiting(submitted.body.id, 'E1039');
    expect(next.index).not.toBe(first.index);
  });

  it('a payment while the table throttles: 503, not paid; the retry pays it exactly once', async () => {
    const id = await approvedClaim(backend, 'E1040', 360_000);
    await inject({ target: 'dynamodb', kind: 'throttle', operations: ['TransactWriteItems'] });
    expectRetryLater(await api(backend, 'POST', '/finance/payments', { as: 'E1029', json: { requestIds: [id] } }));
    await heal();
    expect((await read(id, 'E1040')).status).toBe('approved');
    const paid = await api(backend, 'POST', '/finance/payments', { as: 'E1029', json: { requestIds: [id] } });
    expect(paid.body.paid).toEqual([{ requestId: id, registrationNumber: expect.stringMatching(/^총무과-\d+$/), amountKrw: 360_000 }]);
    const again = await api(backend, 'POST', '/finance/payments', { as: 'E1029', json: { requestIds: [id] } });
    expect(again.body.paid).toEqual([]);
    expect(again.body.refused).toHaveLength(1);
  });

  it('mail down when a step opens: the workflow retries the task, the approver gets the email once mail is back', async () => {
    const outbox = join(backend.dataDir, 'outbox', 'email');
    // The outbox becomes a file: every write to it fails, as a mail server that refuses connections.
    await rename(outbox, `${outbox}.down`);
    await writeFile(outbox, 'mail is down');
    const submitted = await api(backend, 'POST', '/requests', { as: 'E1042', json: claim(370_000) });
    expect(submitted.status, submitted.text).toBe(201);
    await new Promise((done) => setTimeout(done, 2_000));
    await rm(outbox);
    await rename(`${outbox}.down`, outbox);
    const holder = (submitted.body.steps as { approverId: string }[])[0]?.approverId ?? '';
    const approver = (await api(backend, 'GET', `/directory/people/${holder}`, { as: 'E1024' })).body as { email: string };
    const mail = await waitForEmail(backend, approver.email, submitted.body.id);
    expect((await postForm(decisionLinkIn(mail), { decision: 'approve' })).status).toBe(200);
    expect((await read(submitted.body.id, 'E1042')).status).toBe('in-review');
  });

  it('Slack down when a step opens: the approver gets the email, the history says Slack failed, and the link decides', async () => {
    const slack = join(backend.dataDir, 'outbox', 'slack');
    await mkdir(slack, { recursive: true });
    await writeFile(join(slack, '.unavailable'), 'Slack is down'); // the local Slack refuses every call (shared/adapters/slack.ts)
    try {
      const submitted = await api(backend, 'POST', '/requests', { as: 'E1043', json: claim(280_000) });
      expect(submitted.status, submitted.text).toBe(201);
      const review = await waiting(submitted.body.id, 'E1043');
      expect(
        (await api(backend, 'POST', `/approvals/${submitted.body.id}/decision`, { as: review.approverId, json: { decision: 'approve' } })).status,
      ).toBe(200);
      // 교육후생팀장 (E1015) has a Slack id: the step's notice goes to Slack and email, and Slack is down.
      expect((await waiting(submitted.body.id, 'E1043')).approverId).toBe('E1015');
      const mail = await waitForEmail(backend, 'eunju.park@guchung.example.kr', submitted.body.id);
      const history = (await api(backend, 'GET', `/requests/${submitted.body.id}/history`, { as: 'E1043' })).body.events as Record<string, unknown>[];
      expect(history).toContainEqual(expect.objectContaining({ action: 'notice-failed', channel: 'slack', toId: 'E1015', actorId: 'system' }));
      const posted = await readdir(slack);
      for (const file of posted.filter((name) => name.endsWith('.json'))) {
        expect(await readFile(join(slack, file), 'utf8')).not.toContain(submitted.body.id);
      }
      await rm(join(slack, '.unavailable'));
      expect((await postForm(decisionLinkIn(mail), { decision: 'approve' })).status).toBe(200);
    } finally {
      await rm(join(slack, '.unavailable'), { force: true });
    }
  });

  /** A claim decided by each holder in turn through the API, until approved. */
  async function approvedClaim(running: RunningBackend, requester: string, amount: number): Promise<string> {
    const submitted = await api(running, 'POST', '/requests', { as: requester, json: claim(amount) });
    expect(submitted.status, submitted.text).toBe(201);
    for (;;) {
      const current = await read(submitted.body.id, requester);
      if (current.status === 'approved') return submitted.body.id;
      const step = await waiting(submitted.body.id, requester);
      const decided = await api(running, 'POST', `/approvals/${submitted.body.id}/decision`, { as: step.approverId, json: { decision: 'approve' } });
      expect(decided.status, decided.text).toBe(200);
      await eventually(async () => {
        const now = await read(submitted.body.id, requester);
        if (now.status !== 'approved' && !now.steps.some((s: { status: string }) => s.status === 'waiting')) throw new Error('workflow moving on');
      });
    }
  }
});
