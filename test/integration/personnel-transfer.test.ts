import { describe, expect, it } from 'vitest';
import { eventConsumers } from '../../shared/events/consumers.js';
import { seoulDate } from '../../shared/kernel/seoul-time.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { addMonths, earliestEligibleDate, nextOpenRound, personnelTransfer } from '../../shared/requests/kinds/personnel-transfer.js';
import { seedPerson } from '../fixtures/directory.js';
import { advanceClock, api, eventsPublished, eventually, runSchedules, type StepView, suiteBackend } from './harness.js';

/** 전보 희망 through the local runtime, on the office's default policy. */
const ADMIN = 'E1024';
const HR_OFFICERS = ['E1012', 'E1013'];
const rules = personnelTransfer.rulesOf(officePolicy);
const round = nextOpenRound(rules, seoulDate(new Date()));
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

type Step = StepView;

describe('personnel transfer requests through the local runtime', () => {
  const backend = suiteBackend();
  const request = (as: string, body: Record<string, unknown> = {}) =>
    api(backend, 'POST', '/requests', {
      as,
      json: { kind: 'personnel-transfer', preferences: ['finance', 'childcare'], reason: '회계 업무 경험을 쌓고 싶습니다', ...body },
    });
  const setPostStart = async (id: string, postStartDate: string) => {
    const {
      id: _id,
      revision: _revision,
      ...fields
    } = (await api(backend, 'GET', `/directory/people/${id}`, { as: ADMIN })).body as Record<string, unknown>;
    expect((await api(backend, 'PUT', `/directory/people/${id}`, { as: ADMIN, json: { ...fields, postStartDate } })).status).toBe(200);
  };
  const get = async (id: string, as: string) =>
    (await api(backend, 'GET', `/requests/${id}`, { as })).body as { status: string; steps: Step[]; effect?: Record<string, unknown> };
  const decide = (as: string, id: string, decision: 'approve' | 'reject', comment?: string) =>
    api(backend, 'POST', `/approvals/${id}/decision`, { as, json: { decision, ...(comment ? { comment } : {}) } });
  const waitingStep = (id: string, as: string, stage: number) =>
    eventually(async () => {
      const step = (await get(id, as)).steps.find((candidate) => candidate.stage === stage && candidate.status === 'waiting');
      if (!step) throw new Error(`stage ${stage} of ${id} is not waiting yet`);
      return step;
    });

  let approvedId = '';

  it("applies the minimum time in post at the round's effective date: the day of eligibility passes, the day before does not", async () => {
    // 행정: 12 months. Eligible exactly on the effective date, and one day short of it.
    await setPostStart('E1039', addMonths(round.effectiveDate, -12));
    await setPostStart('E1040', dayAfter(addMonths(round.effectiveDate, -12)));
    const onTime = await request('E1039');
    expect(onTime.status, onTime.text).toBe(201);
    expect(onTime.body.effect).toMatchObject({ type: 'transfer', roundId: round.id, effectiveDate: round.effectiveDate, departmentId: 'finance' });
    approvedId = onTime.body.id;

    const early = await request('E1040');
    expect(early.status).toBe(409);
    expect(early.body.message).toContain(`${dayAfter(round.effectiveDate)}부터 전보 대상이 됩니다`);

    // 통계 (18 months) as the seed has it: refused with its own date.
    const statistics = await request('E1034');
    expect(statistics.status).toBe(409);
    expect(statistics.body.message).toContain(`${earliestEligibleDate(rules, seedPerson('E1034'))}부터`);
  });

  it('one request per person per round', async () => {
    const again = await request('E1039', { preferences: ['environment'] });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(`${round.id} 정기인사`);
    expect(again.body.message).toContain(approvedId);
  });

  it("an exception ground lets an early request through, and 인사팀's review must confirm it (it cannot be skipped)", async () => {
    const response = await request('E1034', { exceptionGround: 'family-relocation', exceptionDetail: '배우자 근무지 이전' });
    expect(response.status, response.text).toBe(201);
    const review = (response.body.steps as Step[]).find((step) => step.action === 'review');
    expect(HR_OFFICERS).toContain(review?.approverId);
    expect(review?.mustConfirm).toContain('가족 거주지 이전');
    // Past the advisory opinion, the review waits; the drafter cannot skip it.
    await waitingStep(response.body.id, 'E1034', 0);
    expect((await decide('E1032', response.body.id, 'approve')).status).toBe(200); // 일자리경제과장's opinion
    await waitingStep(response.body.id, 'E1034', 1);
    const skip = await api(backend, 'POST', `/approvals/${response.body.id}/skip`, {
      as: 'E1034',
      json: { stepIndex: review?.index, reason: '부재' },
    });
    expect(skip.status).toBe(409);
    expect(skip.body.message).toContain('생략할 수 없습니다');
  });

  it("the current head's dissent is recorded but does not block; the receiving head consents; 인사팀장 decides", async () => {
    const id = approvedId;
    const steps = (await get(id, 'E1039')).steps;
    expect(steps.map((step) => [step.action, step.approverId, step.advisory ?? false])).toEqual([
      ['cooperate', 'E1037', true], // 교통행정과장: opinion
      ['review', steps[1]?.approverId, false], // 인사팀 officer
      ['cooperate', 'E1027', false], // 재무과장: consent (내신)
      ['approve', 'E1011', false], // 인사팀장
    ]);
    await waitingStep(id, 'E1039', 0);
    expect((await decide('E1037', id, 'reject', '업무 공백이 우려됩니다')).status).toBe(200);
    const reviewer = (await waitingStep(id, 'E1039', 1)).approverId;
    expect((await decide(reviewer, id, 'approve')).status).toBe(200);
    await waitingStep(id, 'E1039', 2);
    expect((await decide('E1027', id, 'approve', '동의합니다')).status).toBe(200);
    await waitingStep(id, 'E1039', 3);
    expect((await decide('E1011', id, 'approve')).status).toBe(200);
    const approved = await eventually(async () => {
      const current = await get(id, 'E1039');
      if (current.status !== 'approved') throw new Error(current.status);
      return current;
    });
    expect(approved.steps[0]).toMatchObject({ status: 'rejected' });
    // Approved, but the directory does not change before the effective date.
    expect((await api(backend, 'GET', '/directory/people/E1039', { as: ADMIN })).body).toMatchObject({ departmentId: 'traffic-admin' });
  });

  it("인사팀 sees the round's requests; others may not", async () => {
    const list = await api(backend, 'GET', `/rounds/${round.id}/transfers`, { as: 'E1012' });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ requestId: approvedId, status: 'approved', assignedDepartmentId: 'finance', effectiveDate: round.effectiveDate }),
        expect.objectContaining({ requesterId: 'E1034', status: 'in-review', exceptionGround: 'family-relocation' }),
      ]),
    );
    expect((await api(backend, 'GET', `/rounds/${round.id}/transfers`, { as: 'E1039' })).status).toBe(403);
    expect((await api(backend, 'GET', '/rounds/2027-1/transfers', { as: 'E1012' })).status).toBe(400);
  });

  it('on the effective date the directory moves the person, recorded in the request and the directory', async () => {
    const now = new Date(((await api(backend, 'GET', '/_local/clock')).body as { now: string }).now);
    const effectiveAt = Date.parse(`${round.effectiveDate}T00:00:00+09:00`);
    const hours = Math.ceil((effectiveAt - now.getTime()) / 3_600_000);
    await advanceClock(backend, `PT${hours - 2}H`); // just before: nothing moves
    await runSchedules(backend);
    expect((await api(backend, 'GET', '/directory/people/E1039', { as: ADMIN })).body).toMatchObject({ departmentId: 'traffic-admin' });

    await advanceClock(backend, 'PT3H');
    await runSchedules(backend);
    const moved = (await api(backend, 'GET', '/directory/people/E1039', { as: ADMIN })).body;
    expect(moved).toMatchObject({
      departmentId: 'finance',
      teamId: null,
      postStartDate: round.effectiveDate,
      revision: expect.objectContaining({ updatedBy: 'system' }),
    });
    const history = (await api(backend, 'GET', `/requests/${approvedId}/history`, { as: 'E1039' })).body.events as {
      action: string;
      comment?: string;
    }[];
    expect(history.find((event) => event.action === 'completed')?.comment).toContain(
      `전보 발령: 재무과 (${round.id} 정기인사, ${round.effectiveDate} 시행)`,
    );
    expect((await get(approvedId, 'E1039')).effect).toMatchObject({ appliedAt: expect.any(String) });
    // The personnel system hears of it: one TransferEffective, with the department and the date, and no reasons.
    const events = await eventsPublished(backend, approvedId, 'TransferEffective');
    const effective = events.filter((event) => event['detail-type'] === 'TransferEffective');
    expect(effective.map((event) => event.detail)).toEqual([
      expect.objectContaining({
        requesterId: 'E1039',
        facts: { toDepartmentId: 'finance', effectiveDate: round.effectiveDate, roundId: round.id },
        actor: { id: 'system' },
      }),
    ]);
    expect(eventConsumers.personnel.types).toContain('TransferEffective');
  });
});
