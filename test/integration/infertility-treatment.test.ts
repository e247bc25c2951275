import { describe, expect, it } from 'vitest';
import { seedPerson } from '../fixtures/directory.js';
import { api, decisionLinkIn, eventually, suiteBackend, waitForEmail } from './harness.js';

/** 난임치료 시술비 through the local runtime, on the office's default policy (cap 3,000,000 KRW a year). */
const CAP = 3_000_000;
const treatmentDate = `${new Date().getFullYear()}-01-20`;
const seen = new Set<string>();
const welfareOfficers = ['E1016', 'E1017', 'E1018'];

interface Claim {
  id: string;
  reimbursableAmount: number;
  capAmount: number;
  steps: { approverId: string; action: string; delegatedAuthority?: string }[];
}

describe('infertility-treatment reimbursement through the local runtime', () => {
  const backend = suiteBackend();
  const claim = (as: string, amountPaid: number, extra: Record<string, unknown> = {}) =>
    api(backend, 'POST', '/requests', {
      as,
      json: {
        kind: 'infertility-treatment',
        treatmentDate,
        amountPaid,
        clinic: '한빛여성의원',
        treatmentType: 'ivf-frozen-embryo',
        note: '3차 이식',
        ...extra,
      },
    });
  const claimOk = async (as: string, amountPaid: number) => {
    const response = await claim(as, amountPaid);
    expect(response.status, response.text).toBe(201);
    return response.body as Claim;
  };

  it('validates the treatment fields in Korean, naming the field', async () => {
    const response = await claim('E1057', 100_000, { treatmentType: 'unknown', amountPaid: 1.5 });
    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['amountPaid', 'treatmentType']);
    expect(response.body.message).toContain('체외수정 동결배아');
  });

  it("sums the year's claims under the cap: a claim is covered up to what is left, then refused with what was used", async () => {
    const first = await claimOk('E1057', 1_200_000);
    expect(first).toMatchObject({ reimbursableAmount: 1_200_000, capAmount: CAP });
    // Above 1,000,000: 교육후생팀장 reviews, 총무과장 decides; up to it, 교육후생팀장 decides (전결).
    expect(first.steps.map((step) => [step.action, step.approverId]).slice(1)).toEqual([
      ['review', 'E1015'],
      ['approve', 'E1005'],
    ]);
    const second = await claimOk('E1057', 1_500_000);
    expect(second.reimbursableAmount).toBe(1_500_000);
    const third = await claimOk('E1057', 800_000);
    expect(third.reimbursableAmount).toBe(300_000); // partly covered: 3,000,000 − 2,700,000
    expect(third.steps).toHaveLength(2);
    expect(third.steps.at(-1)).toMatchObject({ approverId: 'E1015', delegatedAuthority: expect.stringContaining('1,000,000원 이하') });

    const refused = await claim('E1057', 100_000);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('3,000,000원');
    expect(refused.body.message).toContain('사용액 3,000,000원');

    // Withdrawing a claim gives its amount back to the year.
    expect((await api(backend, 'POST', `/requests/${second.id}/withdraw`, { as: 'E1057', json: { reason: '영수증 재발급' } })).status).toBe(200);
    expect((await claimOk('E1057', 1_000_000)).reimbursableAmount).toBe(1_000_000);
    expect((await claimOk('E1057', 900_000)).reimbursableAmount).toBe(500_000);
  });

  it('20 claims submitted at the same instant never pass the cap together', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => claim('E1058', 400_000)));
    const accepted = responses.filter((response) => response.status === 201).map((response) => response.body as Claim);
    const refused = responses.filter((response) => response.status !== 201);
    expect(refused.filter((response) => response.status !== 409).map((response) => `${response.status} ${response.text}`)).toEqual([]);
    const total = accepted.reduce((sum, accepted) => sum + accepted.reimbursableAmount, 0);
    expect(total).toBeLessThanOrEqual(CAP);
    expect(accepted.length).toBeGreaterThanOrEqual(7);
    // What the store holds agrees with what the claims say, and what is left is exactly what one more claim gets.
    const stored = await Promise.all(accepted.map(async (one) => (await api(backend, 'GET', `/requests/${one.id}`, { as: 'E1058' })).body as Claim));
    expect(stored.reduce((sum, one) => sum + one.reimbursableAmount, 0)).toBe(total);
    const after = await claim('E1058', 400_000);
    if (total === CAP) expect(after.status).toBe(409);
    else expect(after.body.reimbursableAmount).toBe(Math.min(400_000, CAP - total));
  });

  it('only the requester, the welfare officers and the line see it; the email carries no details; every other read is recorded', async () => {
    const request = await claimOk('E1061', 600_000);
    const reviewer = request.steps[0]?.approverId ?? '';
    const mail = await waitForEmail(backend, seedPerson(reviewer).email, request.id, seen);
    for (const detail of ['한빛여성의원', '체외수정', '3차 이식', '600,000']) expect(mail.text).not.toContain(detail);
    expect(mail.html || '').not.toContain('한빛여성의원');

    // The requester's own department head and team leader, and another department's head: as if it did not exist.
    const { departmentId, teamId } = seedPerson('E1061');
    expect(departmentId).toBe('child-youth');
    for (const manager of ['E1059', 'E1060', 'E1064']) {
      expect((await api(backend, 'GET', `/requests/${request.id}`, { as: manager })).status).toBe(404);
      expect((await api(backend, 'GET', `/requests/${request.id}/history`, { as: manager })).status).toBe(404);
    }
    expect(teamId).toBe('cy-protection');

    // The link page shows the details to the reviewer; another welfare officer may read it too.
    const page = await fetch(decisionLinkIn(mail));
    expect(await page.text()).toContain('한빛여성의원');
    const colleague = welfareOfficers.find((id) => id !== reviewer) ?? '';
    const read = await api(backend, 'GET', `/requests/${request.id}`, { as: colleague });
    expect(read.status).toBe(200);
    expect(read.body.details).toMatchObject({ clinic: '한빛여성의원', treatmentType: 'ivf-frozen-embryo' });

    const views = await eventually(async () => {
      const history = (await api(backend, 'GET', `/requests/${request.id}/history`, { as: 'E1061' })).body.events as {
        action: string;
        actorId: string;
        channel: string;
      }[];
      const viewed = history.filter((event) => event.action === 'viewed');
      if (viewed.length < 2) throw new Error('reads not recorded yet');
      return viewed;
    });
    expect(views.map((event) => [event.actorId, event.channel])).toEqual(
      expect.arrayContaining([
        [reviewer, 'email-link'],
        [colleague, 'api'],
      ]),
    );
    // The requester's own reads are not "access by others".
    expect(views.some((event) => event.actorId === 'E1061')).toBe(false);
  });
});
