import { describe, expect, it } from 'vitest';
import { seoulDate } from '../../shared/kernel/seoul-time.js';
import { seedDirectory, seedPerson } from '../fixtures/directory.js';
import { api, eventually, type StepView, suiteBackend, waitForEmail } from './harness.js';

/**
 * 예방접종비 지원 through the local runtime, on the office's default policy: a welfare officer
 * reviews, 교육후생팀장 decides (위임전결); 100,000 KRW a year per person across all vaccination
 * claims, one claim per vaccine per day; the privacy of health data; paid by finance and counted
 * in the month's totals and the 직원 후생복지 budget line.
 */
const CAP = 100_000;
const FINANCE = 'E1029';
const WELFARE_LEADER = 'E1015';
const today = seoulDate(new Date());
const month = today.slice(0, 7);
/** Twenty distinct days of one claimable year, all before today: January of this year, or of last year early in January. */
const claimYear = today >= `${today.slice(0, 4)}-01-21` ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
const day = (n: number) => `${claimYear}-01-${String(n).padStart(2, '0')}`;
const seen = new Set<string>();

interface Claim {
  id: string;
  status: string;
  reimbursableAmount: number;
  capAmount: number;
  steps: StepView[];
}

describe('vaccination reimbursement through the local runtime', () => {
  const backend = suiteBackend();
  /** What this file submitted and had approved and paid, for the month's totals at the end. */
  const tally = { submitted: 0, requestedKrw: 0, approved: 0, approvedKrw: 0, paid: 0, paidKrw: 0 };
  const claim = async (as: string, details: Record<string, unknown>) => {
    const response = await api(backend, 'POST', '/requests', {
      as,
      json: { kind: 'vaccination', vaccine: 'influenza', vaccinationDate: day(5), amountPaid: 40_000, clinic: '한빛내과의원', ...details },
    });
    if (response.status === 201) {
      tally.submitted += 1;
      tally.requestedKrw += response.body.amountRequested;
    }
    return response;
  };
  const claimOk = async (as: string, details: Record<string, unknown> = {}) => {
    const response = await claim(as, details);
    expect(response.status, response.text).toBe(201);
    return response.body as Claim;
  };
  const get = async (id: string, as: string) => (await api(backend, 'GET', `/requests/${id}`, { as })).body as Claim;
  const decideWhenWaiting = (id: string, as: string, stage: number) =>
    eventually(async () => {
      const step = (await get(id, as)).steps.find((candidate) => candidate.stage === stage && candidate.status === 'waiting');
      if (!step) throw new Error(`stage ${stage} of ${id} not waiting yet`);
      const decided = await api(backend, 'POST', `/approvals/${id}/decision`, { as: step.approverId, json: { decision: 'approve' } });
      expect(decided.status, decided.text).toBe(200);
      return step;
    });

  it('goes through its line — a welfare officer reviews, 교육후생팀장 decides under 전결 — and finance pays it once', async () => {
    const submitted = await claimOk('E1034', { vaccinationDate: day(2), amountPaid: 45_000 });
    expect(submitted).toMatchObject({ status: 'in-review', reimbursableAmount: 45_000, capAmount: CAP });
    expect(submitted.steps.map((step) => step.action)).toEqual(['review', 'approve']);
    expect(seedPerson(submitted.steps[0]?.approverId ?? '').roles).toContain('welfare-officer');
    expect(submitted.steps[1]).toMatchObject({ approverId: WELFARE_LEADER, delegatedAuthority: expect.stringContaining('위임전결') });

    await decideWhenWaiting(submitted.id, 'E1034', 0);
    await decideWhenWaiting(submitted.id, 'E1034', 1);
    const approved = await eventually(async () => {
      const request = await get(submitted.id, 'E1034');
      if (request.status !== 'approved') throw new Error(request.status);
      return request;
    });
    tally.approved += 1;
    tally.approvedKrw += approved.reimbursableAmount;

    const paid = await api(backend, 'POST', '/finance/payments', { as: FINANCE, json: { requestIds: [submitted.id] } });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body).toMatchObject({ paid: [{ requestId: submitted.id, amountKrw: 45_000 }], refused: [] });
    tally.paid += 1;
    tally.paidKrw += 45_000;
    expect((await get(submitted.id, 'E1034')).status).toBe('paid');
    const again = await api(backend, 'POST', '/finance/payments', { as: FINANCE, json: { requestIds: [submitted.id] } });
    expect(again.body.refused).toEqual([{ requestId: submitted.id, message: expect.stringContaining('이미 지급') }]);
  });

  it("is health data: the requester's own managers get 404, the email names no vaccine or clinic, other reads are recorded", async () => {
    const request = await claimOk('E1036', { vaccine: 'hepatitis-b', vaccinationDate: day(3), clinic: '서울중앙내과의원', amountPaid: 52_000 });
    const reviewer = request.steps[0]?.approverId ?? '';
    const mail = await waitForEmail(backend, seedPerson(reviewer).email, request.id, seen);
    expect(mail.subject).toContain('예방접종비 지원');
    for (const detail of ['B형간염', 'hepatitis', '서울중앙내과의원', '52,000']) {
      expect(mail.text).not.toContain(detail);
      expect(mail.html || '').not.toContain(detail);
    }

    const { departmentId, teamId } = seedPerson('E1036');
    const head = seedDirectory.departments.find((department) => department.id === departmentId)?.headId ?? '';
    const leader = seedDirectory.teams.find((team) => team.id === teamId)?.leaderId ?? '';
    expect([head, leader]).toEqual(['E1032', expect.stringMatching(/^E\d+$/)]);
    for (const manager of [head, leader]) {
      expect((await api(backend, 'GET', `/requests/${request.id}`, { as: manager })).status).toBe(404);
      expect((await api(backend, 'GET', `/requests/${request.id}/history`, { as: manager })).status).toBe(404);
    }

    expect((await api(backend, 'GET', `/requests/${request.id}`, { as: reviewer })).body.details).toMatchObject({ vaccine: 'hepatitis-b' });
    const history = (await api(backend, 'GET', `/requests/${request.id}/history`, { as: 'E1036' })).body.events as {
      action: string;
      actorId: string;
    }[];
    expect(history.filter((event) => event.action === 'viewed').map((event) => event.actorId)).toEqual([reviewer]);
  });

  it('one vaccine once a day; the year is covered up to the cap across claims, then refused with what was used', async () => {
    const first = await claimOk('E1035', { vaccinationDate: day(6), amountPaid: 60_000 });
    expect(first.reimbursableAmount).toBe(60_000);
    const sameDay = await claim('E1035', { vaccinationDate: day(6), amountPaid: 10_000 });
    expect(sameDay.status).toBe(409);
    expect(sameDay.body.message).toContain(`${day(6)}에 맞은 독감 예방접종은 이미 청구하셨습니다`);

    const second = await claimOk('E1035', { vaccine: 'covid-19', vaccinationDate: day(6), amountPaid: 60_000 });
    expect(second.reimbursableAmount).toBe(40_000); // 100,000 − 60,000
    const refused = await claim('E1035', { vaccine: 'shingles', vaccinationDate: day(7), amountPaid: 20_000 });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('100,000원');
    expect(refused.body.message).toContain('사용액 100,000원');

    // A withdrawn claim gives its share of the year back.
    expect((await api(backend, 'POST', `/requests/${second.id}/withdraw`, { as: 'E1035', json: {} })).status).toBe(200);
    expect((await claimOk('E1035', { vaccine: 'shingles', vaccinationDate: day(7), amountPaid: 25_000 })).reimbursableAmount).toBe(25_000);
  });

  it('20 claims at the same instant never pass the cap together', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => claim('E1075', { vaccinationDate: day(i + 1), amountPaid: 30_000 })));
    const accepted = responses.filter((response) => response.status === 201).map((response) => response.body as Claim);
    const refused = responses.filter((response) => response.status !== 201);
    expect(refused.filter((response) => response.status !== 409).map((response) => `${response.status} ${response.text}`)).toEqual([]);
    const total = accepted.reduce((sum, one) => sum + one.reimbursableAmount, 0);
    expect(total).toBeLessThanOrEqual(CAP);
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    const stored = await Promise.all(accepted.map((one) => get(one.id, 'E1075')));
    expect(stored.reduce((sum, one) => sum + one.reimbursableAmount, 0)).toBe(total);
    // What is left is exactly what one more claim gets.
    const after = await claim('E1075', { vaccine: 'hpv', vaccinationDate: day(1), amountPaid: 30_000 });
    if (total === CAP) expect(after.status).toBe(409);
    else expect(after.body.reimbursableAmount).toBe(Math.min(30_000, CAP - total));
  });

  it("is in the month's totals and the 직원 후생복지 budget line, with no health detail", async () => {
    const totals = await api(backend, 'GET', `/finance/monthly-totals?month=${month}`, { as: FINANCE });
    expect(totals.status, totals.text).toBe(200);
    const row = (totals.body.kinds as { kind: string; kindLabel: string; total: Record<string, number> }[]).find(
      (kind) => kind.kind === 'vaccination',
    );
    expect(row).toMatchObject({
      kindLabel: '예방접종비 지원',
      total: expect.objectContaining({
        submitted: tally.submitted,
        requestedKrw: tally.requestedKrw,
        approved: 1,
        approvedKrw: 45_000,
        paid: 1,
        paidKrw: 45_000,
      }),
    });
    for (const detail of ['한빛내과의원', '서울중앙내과의원', 'influenza', '독감']) expect(totals.text).not.toContain(detail);

    const budget = await api(backend, 'GET', `/finance/budget?year=${today.slice(0, 4)}`, { as: FINANCE });
    expect(budget.status, budget.text).toBe(200);
    expect(budget.body.lines.find((line: { id: string }) => line.id === 'staff-welfare')).toMatchObject({
      committedKrw: tally.approvedKrw,
      paidKrw: tally.paidKrw,
    });
  });
});
