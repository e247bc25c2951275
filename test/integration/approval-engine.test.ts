import { describe, expect, it } from 'vitest';
import { isBusinessDay } from '../../shared/calendar/business-days.js';
import { koreanHolidays } from '../../shared/calendar/korean-holidays.js';
import { seoulDate } from '../../shared/kernel/seoul-time.js';
import { seedPerson } from '../fixtures/directory.js';
import { enginePolicy, policyFile } from '../fixtures/policies/engine-policy.js';
import {
  advanceClock,
  api,
  decisionLinkIn,
  eventually,
  postForm,
  runSchedules,
  type StepView,
  setClock,
  suiteBackend,
  waitForEmail,
} from './harness.js';

/**
 * The approval engine through the local runtime, with the engine policy fixture:
 * review (welfare officer) → 협조 from 인사팀장 and 전산운영팀장 in parallel → 전결 by amount
 * (≤ 300,000 교육후생팀장; ≤ 450,000 총무과장; above 행정국장); reminder after 2 business days,
 * escalation after 4. The scenarios run in order in one runtime; the clock moves forward only at the end.
 */
const POLICY_FILE = policyFile(enginePolicy.data);
const checkupDate = `${new Date().getFullYear()}-01-15`;
const seen = new Set<string>();
const email = (id: string) => seedPerson(id).email;

/**
 * 10:00 Seoul on the Monday of the first week after `now` whose weekdays are all business days and
 * whose following Monday–Wednesday are too: timer tests that start there do not depend on the weekday
 * (or holiday) the suite happens to run on. A step opened on a Saturday counts from Monday 09:00.
 */
function mondayOfAFullBusinessWeekAfter(now: Date): Date {
  for (let monday = new Date(`${seoulDate(now)}T10:00:00+09:00`); ; ) {
    monday = new Date(monday.getTime() + 86_400_000);
    if (monday.getUTCDay() !== 1) continue;
    const days = Array.from({ length: 10 }, (_, offset) => seoulDate(new Date(monday.getTime() + offset * 86_400_000)));
    if ([...days.slice(0, 5), ...days.slice(7, 10)].every((day) => isBusinessDay(day, koreanHolidays))) return monday;
  }
}

type Step = StepView;
interface HistoryEvent {
  action: string;
  actorId: string;
  actingForId?: string;
  round?: number;
  stepIndex?: number;
  decision?: string;
  markers?: string[];
  rule?: string;
  comment?: string;
  fromId?: string;
  toId?: string;
  snapshot?: { round: number; details: Record<string, unknown>; steps?: Step[] };
}

describe('approval engine through the local runtime', () => {
  const backend = suiteBackend({ env: { OFFICE_POLICY_FILE: POLICY_FILE } });

  const submit = async (as: string, amountPaid: number) => {
    const response = await api(backend, 'POST', '/requests', {
      as,
      json: { kind: 'health-checkup', checkupDate, amountPaid, clinic: '한빛종합검진센터' },
    });
    expect(response.status, response.text).toBe(201);
    return response.body as { id: string; reimbursableAmount: number; steps: Step[] };
  };
  const get = async (id: string, as: string) =>
    (await api(backend, 'GET', `/requests/${id}`, { as })).body as { status: string; round: number; steps: Step[]; currentStage: number };
  const history = async (id: string, as: string) =>
    ((await api(backend, 'GET', `/requests/${id}/history`, { as })).body as { events: HistoryEvent[] }).events;
  const waitingFor = (id: string, as: string, approverId: string) =>
    eventually(async () => {
      const step = (await get(id, as)).steps.find((candidate) => candidate.approverId === approverId && candidate.status === 'waiting');
      if (!step) throw new Error(`${approverId} is not waiting on ${id} yet`);
      return step;
    });
  const decide = (as: string, id: string, decision: 'approve' | 'reject', comment?: string) =>
    api(backend, 'POST', `/approvals/${id}/decision`, { as, json: { decision, ...(comment ? { comment } : {}) } });
  const statusOf = (id: string, as: string, status: string) =>
    eventually(async () => {
      const request = await get(id, as);
      if (request.status !== status) throw new Error(`${id} is ${request.status}, not ${status}`);
      return request;
    });

  it('resolves a three-level line from the directory, with the 전결 level chosen by amount (boundaries included)', async () => {
    const cases = [
      { requester: 'E1034', amountPaid: 300_000, decider: 'E1015' }, // ≤ 300,000: 교육후생팀장
      { requester: 'E1035', amountPaid: 300_001, decider: 'E1005' }, // first won above: 총무과장
      { requester: 'E1036', amountPaid: 450_000, decider: 'E1005' }, // ≤ 450,000 (age 47, cap 450,000)
      { requester: 'E1048', amountPaid: 450_001, decider: 'E1002' }, // above: 행정국장 (age 51, cap 500,000)
    ];
    for (const { requester, amountPaid, decider } of cases) {
      const request = await submit(requester, amountPaid);
      expect(request.reimbursableAmount).toBe(amountPaid);
      expect(request.steps.map((step) => [step.stage, step.action])).toEqual([
        [0, 'review'],
        [1, 'cooperate'],
        [1, 'cooperate'],
        [2, 'approve'],
      ]);
      expect(request.steps.slice(1, 3).map((step) => step.approverId)).toEqual(['E1011', 'E1023']);
      expect(request.steps[3]).toMatchObject({ approverId: decider, delegatedAuthority: expect.stringContaining('위임전결') });
    }
  });

  it('runs the line to the end: parallel 협조 must all agree, the API decision makes the email link "already decided", and the 전결 decision is on record', async () => {
    const request = await submit('E1039', 250_000);
    const reviewer = request.steps[0]?.approverId ?? '';
    const reviewMail = await waitForEmail(backend, email(reviewer), request.id, seen);
    expect((await postForm(decisionLinkIn(reviewMail), { decision: 'approve' })).status).toBe(200);

    // Stage 2 reaches both cooperating team leaders at once.
    const hrMail = await waitForEmail(backend, email('E1011'), request.id, seen);
    await waitForEmail(backend, email('E1023'), request.id, seen);
    const pending = (await api(backend, 'GET', '/approvals', { as: 'E1011' })).body as { items: { requestId: string; action: string }[] };
    expect(pending.items).toContainEqual(expect.objectContaining({ requestId: request.id, action: 'cooperate' }));

    // 인사팀장 agrees through the API; their email link is now spent.
    expect((await decide('E1011', request.id, 'approve')).status).toBe(200);
    const spent = await fetch(decisionLinkIn(hrMail));
    expect(spent.status).toBe(409);
    expect(await spent.text()).toContain('이미 처리된 결재');
    expect((await decide('E1011', request.id, 'approve')).status).toBe(409);
    // One agreement is not enough: the stage still waits for 전산운영팀장.
    expect((await get(request.id, 'E1039')).currentStage).toBe(1);
    expect((await decide('E1023', request.id, 'approve', '이상 없음')).status).toBe(200);

    await waitForEmail(backend, email('E1015'), request.id, seen);
    expect((await decide('E1015', request.id, 'approve')).status).toBe(200);
    await statusOf(request.id, 'E1039', 'approved');
    const final = (await history(request.id, 'E1039')).find((event) => event.action === 'decided' && event.actorId === 'E1015');
    expect(final).toMatchObject({ decision: 'approve', markers: ['전결'], rule: expect.stringContaining('교육후생팀장') });
  });

  it('전단계 반려 across the parallel 협조 stage: the 전결 holder sends it back, both 협조 decide again, then the 전결 holder; back from a 협조 to the review too', async () => {
    const returnToPrevious = (as: string, id: string, body: unknown) =>
      api(backend, 'POST', `/approvals/${id}/return-to-previous`, { as, json: body });
    const request = await submit('E1055', 240_000);
    const reviewer = request.steps[0]?.approverId ?? '';
    // The first stage has nothing before it.
    await waitingFor(request.id, 'E1055', reviewer);
    const first = await returnToPrevious(reviewer, request.id, { comment: '확인 필요' });
    expect(first.status).toBe(409);
    expect(first.body.message).toContain('첫 단계에서는 반려하세요');
    expect((await decide(reviewer, request.id, 'approve')).status).toBe(200);

    // From within the parallel stage, after one 협조 agreed: back to the review; the whole 협조 stage waits again.
    await waitingFor(request.id, 'E1055', 'E1011');
    expect((await decide('E1011', request.id, 'approve')).status).toBe(200);
    const fromCooperation = await returnToPrevious('E1023', request.id, { comment: '검토 의견에 시스템 영향이 빠졌습니다' });
    expect(fromCooperation.status, fromCooperation.text).toBe(200);
    expect(fromCooperation.body.currentStage).toBe(0);
    expect(fromCooperation.body.steps.map((step: Step) => step.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    const reopened = await waitForEmail(backend, email(reviewer), '[전단계 반려]');
    expect(reopened.text).toContain('전단계 반려했습니다'); // a health kind: the reason itself is not in the email
    expect((await decide('E1023', request.id, 'approve')).status).toBe(409); // no longer their turn
    expect((await postForm(decisionLinkIn(reopened), { decision: 'approve' })).status).toBe(200);
    await waitingFor(request.id, 'E1055', 'E1011'); // 인사팀장 agrees again
    expect((await decide('E1011', request.id, 'approve')).status).toBe(200);
    expect((await decide('E1023', request.id, 'approve')).status).toBe(200);

    // The 전결 holder sends it back across the parallel stage: both 협조 reopen with fresh links.
    await waitingFor(request.id, 'E1055', 'E1015');
    expect((await returnToPrevious('E1015', request.id, {})).body.issues).toEqual([expect.objectContaining({ path: 'comment' })]);
    expect((await returnToPrevious('E1011', request.id, { comment: '다시' })).status).toBe(409); // not holding a step now
    const back = await returnToPrevious('E1015', request.id, { comment: '협조 부서 의견을 다시 받으세요' });
    expect(back.status, back.text).toBe(200);
    expect(back.body.steps.map((step: Step) => step.status)).toEqual(['approved', 'pending', 'pending', 'pending']);
    for (const cooperating of ['E1011', 'E1023']) {
      await waitingFor(request.id, 'E1055', cooperating);
      expect((await decide(cooperating, request.id, 'approve')).status).toBe(200);
    }
    await waitingFor(request.id, 'E1055', 'E1015');
    expect((await decide('E1015', request.id, 'approve')).status).toBe(200);
    const done = await statusOf(request.id, 'E1055', 'approved');
    expect(done.round).toBe(1);
    const events = await history(request.id, 'E1055');
    expect(events.filter((event) => event.action === 'returned-to-previous').map((event) => [event.actorId, event.comment])).toEqual([
      ['E1023', '검토 의견에 시스템 영향이 빠졌습니다'],
      ['E1015', '협조 부서 의견을 다시 받으세요'],
    ]);
    // Every agreement is on record, the reopened ones too: review twice, each 협조 three times… and the 전결 once.
    const decided = events.filter((event) => event.action === 'decided').map((event) => event.actorId);
    expect(decided.filter((id) => id === 'E1011')).toHaveLength(3);
    expect(decided.filter((id) => id === 'E1023')).toHaveLength(2);
    expect(decided.filter((id) => id === 'E1015')).toHaveLength(1);
  });

  it('반려 returns the request; the requester revises and resubmits, and both versions stay in the history', async () => {
    const request = await submit('E1040', 280_000);
    const reviewer = request.steps[0]?.approverId ?? '';
    await waitingFor(request.id, 'E1040', reviewer);
    const noComment = await decide(reviewer, request.id, 'reject');
    expect(noComment.status).toBe(400);
    expect(noComment.body.issues).toContainEqual(expect.objectContaining({ path: 'comment' }));
    expect((await decide(reviewer, request.id, 'reject', '영수증 금액과 신청 금액이 다릅니다')).status).toBe(200);
    await statusOf(request.id, 'E1040', 'returned');
    const returnedMail = await waitForEmail(backend, email('E1040'), request.id, seen);
    expect(returnedMail.text).toContain('영수증 금액과 신청 금액이 다릅니다');

    // In review or approved it cannot change; returned it can.
    const revised = await api(backend, 'PUT', `/requests/${request.id}`, {
      as: 'E1040',
      json: { checkupDate, amountPaid: 260_000, clinic: '한빛종합검진센터' },
    });
    expect(revised.status, revised.text).toBe(200);
    expect(revised.body).toMatchObject({ status: 'returned', reimbursableAmount: 260_000 });
    const resubmitted = await api(backend, 'POST', `/requests/${request.id}/resubmit`, {
      as: 'E1040',
      json: { comment: '금액을 영수증대로 고쳤습니다' },
    });
    expect(resubmitted.status, resubmitted.text).toBe(200);
    expect(resubmitted.body).toMatchObject({ status: 'in-review', round: 2, currentStage: 0 });
    await waitingFor(request.id, 'E1040', (resubmitted.body as { steps: Step[] }).steps[0]?.approverId ?? '');

    const events = await history(request.id, 'E1040');
    const revisedEvent = events.find((event) => event.action === 'revised');
    expect(revisedEvent?.snapshot).toMatchObject({ round: 1, details: { amountPaid: 280_000 } });
    const resubmittedEvent = events.find((event) => event.action === 'resubmitted');
    expect(resubmittedEvent).toMatchObject({ round: 2, comment: '금액을 영수증대로 고쳤습니다' });
    expect(resubmittedEvent?.snapshot?.steps?.[0]).toMatchObject({ status: 'rejected', approverId: reviewer });
    expect(events.filter((event) => event.action === 'decided').map((event) => [event.round, event.decision])).toEqual([[1, 'reject']]);

    // §17: once approved, a change is refused, never silently re-approved.
    const approvedId = (await api(backend, 'GET', '/requests', { as: 'E1039' })).body.items[0].id as string;
    const late = await api(backend, 'PUT', `/requests/${approvedId}`, {
      as: 'E1039',
      json: { checkupDate, amountPaid: 10_000, clinic: '한빛종합검진센터' },
    });
    expect(late.status).toBe(409);
    expect(late.body.message).toContain('승인된 요청은 수정할 수 없습니다');
  });

  it('skips an absent reviewer only with a reason on record (§9)', async () => {
    const request = await submit('E1043', 200_000);
    const reviewer = request.steps[0]?.approverId ?? '';
    await waitingFor(request.id, 'E1043', reviewer);
    expect((await api(backend, 'POST', `/approvals/${request.id}/skip`, { as: 'E1043', json: { stepIndex: 0 } })).status).toBe(400);
    expect((await api(backend, 'POST', `/approvals/${request.id}/skip`, { as: 'E1044', json: { stepIndex: 0, reason: '출장' } })).status).toBe(404);
    expect((await api(backend, 'POST', `/approvals/${request.id}/skip`, { as: 'E1011', json: { stepIndex: 0, reason: '출장' } })).status).toBe(403); // on the line, but not the drafter
    const skipped = await api(backend, 'POST', `/approvals/${request.id}/skip`, {
      as: 'E1043',
      json: { stepIndex: 0, reason: '검토자 병가(11/24~11/28)' },
    });
    expect(skipped.status, skipped.text).toBe(200);
    await waitingFor(request.id, 'E1043', 'E1011');
    // An admin, not on the line, may skip too; a cooperate step cannot be skipped by anyone.
    const cooperate = await api(backend, 'POST', `/approvals/${request.id}/skip`, { as: 'E1024', json: { stepIndex: 1, reason: '부재' } });
    expect(cooperate.status).toBe(409);
    expect(cooperate.body.message).toContain('검토 단계만 생략할 수 있습니다');
    expect((await history(request.id, 'E1043')).find((event) => event.action === 'skipped')).toMatchObject({
      actorId: 'E1043',
      fromId: reviewer,
      comment: expect.stringContaining('검토자 병가'),
    });
  });

  it('대결: a delegation re-routes the waiting step to the deputy, the deputy decides for the approver, and the approver gets a 사후 보고', async () => {
    const request = await submit('E1045', 350_000); // 총무과장 decides (300,001–450,000)
    const reviewer = request.steps[0]?.approverId ?? '';
    await waitingFor(request.id, 'E1045', reviewer);
    expect((await decide(reviewer, request.id, 'approve')).status).toBe(200);
    await waitingFor(request.id, 'E1045', 'E1011');
    expect((await decide('E1011', request.id, 'approve')).status).toBe(200);
    expect((await decide('E1023', request.id, 'approve')).status).toBe(200);
    const originalMail = await waitForEmail(backend, email('E1005'), request.id, seen);

    // 총무과장 goes on leave; 총무팀장 decides for them.
    const today = seoulDate(new Date(((await api(backend, 'GET', '/_local/clock')).body as { now: string }).now));
    const leave = await api(backend, 'PUT', '/delegations', { as: 'E1005', json: { deputyId: 'E1006', from: today, to: today, reason: '연가' } });
    expect(leave.status, leave.text).toBe(200);
    expect(leave.body).toMatchObject({ active: true, reroutedSteps: 1 });
    expect(
      (await api(backend, 'PUT', '/delegations', { as: 'E1006', json: { deputyId: 'E1005', from: today, to: today, reason: '출장' } })).status,
    ).toBe(409);
    // Back early and away again: ending the delegation brings the step back; setting it again sends it out.
    const firstDeputyMail = await waitForEmail(backend, email('E1006'), request.id, seen);
    const ended = await api(backend, 'DELETE', `/delegations/${today}`, { as: 'E1005' });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.body).toMatchObject({ returnedSteps: 1 });
    expect((await get(request.id, 'E1045')).steps[3]).toMatchObject({ approverId: 'E1005', status: 'waiting' });
    expect((await api(backend, 'DELETE', `/delegations/${today}`, { as: 'E1005' })).status).toBe(404);
    await waitForEmail(backend, email('E1005'), request.id, seen); // the step's new link, back with the approver
    expect(
      (await api(backend, 'PUT', '/delegations', { as: 'E1005', json: { deputyId: 'E1006', from: today, to: today, reason: '연가' } })).body,
    ).toMatchObject({ reroutedSteps: 1 });
    expect((await fetch(decisionLinkIn(firstDeputyMail))).status).toBe(409); // that hand-over ended

    const rerouted = await fetch(decisionLinkIn(originalMail));
    expect(rerouted.status).toBe(409);
    expect(await rerouted.text()).toContain('다른 결재권자에게 넘어갔습니다');
    const deputyMail = await waitForEmail(backend, email('E1006'), request.id, seen);
    expect(deputyMail.subject).toContain('[대결]');
    const pending = (await api(backend, 'GET', '/approvals', { as: 'E1006' })).body as {
      items: { requestId: string; actingFor: { id: string } | null }[];
    };
    expect(pending.items).toContainEqual(expect.objectContaining({ requestId: request.id, actingFor: expect.objectContaining({ id: 'E1005' }) }));

    expect((await postForm(decisionLinkIn(deputyMail), { decision: 'approve', comment: '대결 승인' })).status).toBe(200);
    await statusOf(request.id, 'E1045', 'approved');
    const decided = (await history(request.id, 'E1045')).find((event) => event.action === 'decided' && event.actorId === 'E1006');
    expect(decided).toMatchObject({ actingForId: 'E1005', markers: ['전결', '대결'] });
    const report = await waitForEmail(backend, email('E1005'), '사후 보고', seen);
    expect(report.text).toContain(request.id);
    expect(report.text).toContain('대결 승인');
  });

  it('a directory change while a step waits: the holder keeps the step they were sent; new requests follow the new directory', async () => {
    const request = await submit('E1052', 220_000);
    const reviewer = request.steps[0]?.approverId ?? '';
    await waitingFor(request.id, 'E1052', reviewer);
    const entry = (await api(backend, 'GET', `/directory/people/${reviewer}`, { as: 'E1024' })).body as Record<string, unknown>;
    const { id: _id, revision: _revision, ...fields } = entry;
    const moved = await api(backend, 'PUT', `/directory/people/${reviewer}`, { as: 'E1024', json: { ...fields, teamId: 'ga-hr', roles: [] } });
    expect(moved.status, moved.text).toBe(200);

    const next = await submit('E1053', 220_000);
    expect(next.steps[0]?.approverId).not.toBe(reviewer); // no longer a welfare officer
    expect((await decide(reviewer, request.id, 'approve')).status).toBe(200); // still holds the step sent to them
    await waitingFor(request.id, 'E1052', 'E1011');
  });

  it('a test clock drives the reminder after 2 business days and the escalation after 4, both on record', async () => {
    const now = new Date(((await api(backend, 'GET', '/_local/clock')).body as { now: string }).now);
    await setClock(backend, mondayOfAFullBusinessWeekAfter(now)); // Monday 10:00
    const request = await submit('E1049', 150_000);
    const reviewer = request.steps[0]?.approverId ?? '';
    const first = await waitForEmail(backend, email(reviewer), request.id, seen);

    await advanceClock(backend, 'P1D'); // Tuesday: one business day
    await runSchedules(backend);
    expect((await history(request.id, 'E1049')).some((event) => event.action === 'reminded')).toBe(false);

    await advanceClock(backend, 'P2D'); // Thursday: the reminder was due Wednesday 10:00
    expect((await runSchedules(backend)).every((run) => run.ok)).toBe(true);
    const reminder = await waitForEmail(backend, email(reviewer), request.id, seen);
    expect(reminder.subject).toContain('[독촉]');
    expect((await fetch(decisionLinkIn(first))).status).toBe(410); // replaced by the reminder's link

    await advanceClock(backend, 'P5D'); // next Tuesday: the escalation was due Friday 10:00
    await runSchedules(backend);
    const escalated = await waitForEmail(backend, email('E1015'), request.id, seen);
    expect(escalated.subject).toContain('[이관]');
    expect(escalated.text).toContain('4영업일 동안 결정하지 않아 교육후생팀장에게 이관');
    const event = (await history(request.id, 'E1049')).find((candidate) => candidate.action === 'escalated');
    expect(event).toMatchObject({ fromId: reviewer, toId: 'E1015', rule: expect.stringContaining('교육후생팀장') });
    expect((await fetch(decisionLinkIn(reminder))).status).toBe(409);
    expect((await waitForEmail(backend, email(reviewer), request.id, seen)).subject).toContain('[이관 안내]');
    expect((await decide('E1015', request.id, 'approve')).status).toBe(200);
    await waitingFor(request.id, 'E1049', 'E1011');
  });

  it('a delegation set for later starts and ends by itself on the clock, and a stage that outlives its deadline fails visibly', async () => {
    const request = await submit('E1054', 120_000); // 교육후생팀장 decides
    const reviewer = request.steps[0]?.approverId ?? '';
    await waitingFor(request.id, 'E1054', reviewer);
    expect((await decide(reviewer, request.id, 'approve')).status).toBe(200);
    await waitingFor(request.id, 'E1054', 'E1011');
    expect((await decide('E1011', request.id, 'approve')).status).toBe(200);
    expect((await decide('E1023', request.id, 'approve')).status).toBe(200);
    await waitingFor(request.id, 'E1054', 'E1015');

    const now = new Date(((await api(backend, 'GET', '/_local/clock')).body as { now: string }).now);
    const tomorrow = seoulDate(new Date(now.getTime() + 86_400_000));
    const leave = await api(backend, 'PUT', '/delegations', {
      as: 'E1015',
      json: { deputyId: 'E1016', from: tomorrow, to: tomorrow, reason: '교육 참석' },
    });
    expect(leave.body).toMatchObject({ active: false, reroutedSteps: 0 });
    expect((await get(request.id, 'E1054')).steps[3]).toMatchObject({ approverId: 'E1015', status: 'waiting' });

    await advanceClock(backend, 'P1D');
    await runSchedules(backend);
    expect((await get(request.id, 'E1054')).steps[3]).toMatchObject({ approverId: 'E1016', actingForId: 'E1015' });
    await advanceClock(backend, 'P1D');
    await runSchedules(backend);
    expect((await get(request.id, 'E1054')).steps[3]).toMatchObject({ approverId: 'E1015', status: 'waiting' });
    const rerouted = (await history(request.id, 'E1054')).filter((event) => event.action === 'rerouted');
    expect(rerouted.map((event) => [event.fromId, event.toId])).toEqual([
      ['E1015', 'E1016'],
      ['E1016', 'E1015'],
    ]);

    await advanceClock(backend, 'P22D'); // past the stage's 21-day deadline
    await runSchedules(backend);
    const failed = await statusOf(request.id, 'E1054', 'failed');
    expect(failed.steps[3]).toMatchObject({ status: 'cancelled' });
    expect((await history(request.id, 'E1054')).find((event) => event.action === 'failed')?.comment).toContain('결재 기한');
    expect((await waitForEmail(backend, email('E1054'), request.id, seen)).subject).toContain('처리 중단');
  });
});
