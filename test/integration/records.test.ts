import { describe, expect, it } from 'vitest';
import { api, eventually, suiteBackend } from './harness.js';

/** Records (issue 18) through the local runtime: the policy's version on each request. */
const AUDITOR = 'E1021';
const ADMIN = 'E1024';
const thisYear = new Date().getFullYear();

interface Request {
  id: string;
  status: string;
  policyVersion?: string;
  registration?: { number: string };
  steps: { index: number; status: string; approverId: string }[];
}

describe('records through the local runtime', () => {
  const backend = suiteBackend();
  const read = async (id: string, as: string) => (await api(backend, 'GET', `/requests/${id}`, { as })).body as Request;
  const waitingStep = (id: string, as: string) =>
    eventually(async () => {
      const step = (await read(id, as)).steps.find((candidate) => candidate.status === 'waiting');
      if (!step) throw new Error(`${id}: nothing waiting yet`);
      return step;
    });
  /** A health claim by `as`, approved through its line by the API. */
  async function approvedClaim(as: string, amountPaid: number): Promise<Request> {
    const submitted = await api(backend, 'POST', '/requests', {
      as,
      json: { kind: 'health-checkup', checkupDate: `${thisYear}-01-15`, amountPaid, clinic: '한빛종합검진센터' },
    });
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.body.id as string;
    for (let stage = 0; stage < 2; stage++) {
      const step = await waitingStep(id, as);
      expect((await api(backend, 'POST', `/approvals/${id}/decision`, { as: step.approverId, json: { decision: 'approve' } })).status).toBe(200);
    }
    return eventually(async () => {
      const current = await read(id, as);
      if (current.status !== 'approved') throw new Error(`${id} is ${current.status}`);
      return current;
    });
  }

  it('each request records the version of the policy it was submitted and decided under; GET /policy shows it to admins and auditors only', async () => {
    const policy = await api(backend, 'GET', '/policy', { as: AUDITOR });
    expect(policy.status, policy.text).toBe(200);
    expect(policy.body.version).toMatch(/^[0-9a-f]{16}$/);
    expect(policy.body.policy.kinds['health-checkup'].retentionYears).toBe(5);
    expect((await api(backend, 'GET', '/policy', { as: ADMIN })).body.version).toBe(policy.body.version);
    const refused = await api(backend, 'GET', '/policy', { as: 'E1034' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('감사 담당자');

    const claim = await approvedClaim('E1034', 210_000);
    expect(claim.policyVersion).toBe(policy.body.version);
    expect(claim.registration?.number).toMatch(/^총무과-\d+$/);
  });
});
