import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDirectory, seedPerson } from '../fixtures/directory.js';
import { leakInMainHall } from '../fixtures/requests.js';
import {
  api,
  decisionLinkIn,
  emailsTo,
  eventually,
  postForm,
  type RunningBackend,
  requiredDocuments,
  runSchedules,
  setClock,
  suiteBackend,
  uploadDocument,
  waitForEmail,
} from './harness.js';

/** The everyday 결재 actions besides approving and rejecting, through the local runtime. */
const thisYear = new Date().getFullYear();
const checkup = (amountPaid: number) => ({ kind: 'health-checkup', checkupDate: `${thisYear}-01-15`, amountPaid, clinic: '한빛종합검진센터' });

interface Request {
  id: string;
  status: string;
  round: number;
  steps: { index: number; status: string; approverId: string; actingForId?: string; decidedAt?: string }[];
  history: { action: string; actorId: string; actingForId?: string; decision?: string; comment?: string }[];
  registration?: { number: string; sequence: number; year: string };
  stageDeadline?: string;
}

/** Today in Seoul, as the local clock has it until a test moves it (delegations are by Seoul date). */
const seoulToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());

async function submittedAndWaiting(backend: RunningBackend, as: string, amountPaid: number) {
  const submitted = await api(backend, 'POST', '/requests', { as, json: checkup(amountPaid) });
  expect(submitted.status, submitted.text).toBe(201);
  const id = submitted.body.id as string;
  const reviewer = await eventually(async () => {
    const step = ((await api(backend, 'GET', `/requests/${id}`, { as })).body as Request).steps.find((candidate) => candidate.status === 'waiting');
    if (!step) throw new Error(`${id}: no step waiting yet`);
    return step.approverId;
  });
  const link = decisionLinkIn(await waitForEmail(backend, seedPerson(reviewer).email, id));
  return { id, reviewer, link };
}

describe('결재 actions through the local runtime', () => {
  const backend = suiteBackend();
  const read = async (id: string, as: string) => (await api(backend, 'GET', `/requests/${id}`, { as })).body as Request;
  const recall = (id: string, as: string, body: Record<string, unknown> = {}) => api(backend, 'POST', `/requests/${id}/recall`, { as, json: body });
  const askSupplement = (id: string, as: string, body: unknown) => api(backend, 'POST', `/approvals/${id}/supplement-request`, { as, json: body });
  /** The requester's answer to a 보완 요청, once the workflow has taken up the wait (until then: 409, try again). */
  const answered = (id: string, as: string, body: unknown) =>
    eventually(async () => {
      const response = await api(backend, 'POST', `/requests/${id}/supplement`, { as, json: body });
      if (response.status === 409) throw new Error(response.text);
      expect(response.status, response.text).toBe(200);
      return response;
    });
  /** The latest email to `employeeId` about request `id` whose subject has `subjectPart`. */
  const mailAbout = (employeeId: string, id: string, subjectPart: string) =>
    eventually(async () => {
      const mail = (await emailsTo(backend, seedPerson(employeeId).email, subjectPart)).findLast((candidate) => candidate.subject?.includes(id));
      if (!mail) throw new Error(`no "${subjectPart}" email to ${employeeId} about ${id} yet`);
      return mail;
    });

  describe('일괄 결재 (bulk decisions)', () => {
    const WELFARE_LEADER = 'E1015';
    const bulk = (as: string, items: unknown[]) => api(backend, 'POST', '/approvals/decisions', { as, json: { items } });
    const waitingFor = async (id: string, as: string, stage: number) =>
      eventually(async () => {
        const step = (await read(id, as)).steps.find((candidate) => candidate.status === 'waiting' && candidate.index === stage);
        if (!step) throw new Error(`${id}: stage ${stage} not waiting yet`);
        return step;
      }, 60_000);

    it('the team leader approves 50 checked claims at once: the valid ones decided exactly once, the invalid ones refused in Korean, a concurrent single decision loses cleanly', async () => {
      // 47 claims by different people (one each a year), reviewed in bulk by their welfare officers.
      const requesters = seedDirectory.people
        .filter(
          (person) => person.teamId !== 'ga-welfare' && !['E1034', 'E1035', 'E1036', 'E1040', 'E1043', 'E1075', WELFARE_LEADER].includes(person.id),
        )
        .slice(0, 47)
        .map((person) => person.id);
      expect(requesters).toHaveLength(47);
      const claims = await Promise.all(
        requesters.map(async (as, i) => {
          const attachments = await requiredDocuments(backend, as, 'health-checkup');
          const submitted = await api(backend, 'POST', '/requests', { as, json: { ...checkup(200_000 + i * 1_000), attachments } });
          expect(submitted.status, submitted.text).toBe(201);
          return { id: submitted.body.id as string, as };
        }),
      );
      const reviews = new Map<string, string[]>();
      for (const { id, as } of claims) {
        const step = await waitingFor(id, as, 0);
        reviews.set(step.approverId, [...(reviews.get(step.approverId) ?? []), id]);
      }
      for (const [officer, ids] of reviews) {
        const reviewed = await bulk(
          officer,
          ids.map((requestId) => ({ requestId, decision: 'approve', comment: '영수증 확인' })),
        );
        expect(reviewed.status, reviewed.text).toBe(200);
        expect(reviewed.body.items.every((item: { outcome: string }) => item.outcome === 'decided')).toBe(true);
      }
      for (const { id, as } of claims) expect((await waitingFor(id, as, 1)).approverId).toBe(WELFARE_LEADER);

      // The leader's bulk: 46 to approve, one not yet at the leader, two that cannot exist, a rejection without a comment.
      const notTheirs = await submittedAndWaiting(backend, 'E1036', 300_000); // still at its review: not the leader's turn
      const rejectWithout = claims[46] as { id: string; as: string };
      const items = [
        ...claims.slice(0, 46).map(({ id }) => ({ requestId: id, decision: 'approve' })),
        { requestId: notTheirs.id, decision: 'approve' },
        { requestId: 'R20260101-00000000', decision: 'approve' },
        { requestId: '../../etc/passwd', decision: 'approve' },
        { requestId: rejectWithout.id, decision: 'reject' },
      ];
      expect(items).toHaveLength(50);
      // And, at the same moment, the leader's email link for one of them.
      const raced = claims[0] as { id: string; as: string };
      const raceLink = decisionLinkIn(await waitForEmail(backend, seedPerson(WELFARE_LEADER).email, raced.id));
      const [decided, single] = await Promise.all([bulk(WELFARE_LEADER, items), postForm(raceLink, { decision: 'approve' })]);
      expect(decided.status, decided.text).toBe(200);
      const outcomes = decided.body.items as { requestId: string; outcome: string; statusCode?: number; message?: string }[];
      expect(outcomes).toHaveLength(50);
      const byId = new Map(outcomes.map((outcome) => [outcome.requestId, outcome]));
      expect(byId.get(notTheirs.id)).toMatchObject({ outcome: 'refused', statusCode: 409, message: '지금 결정할 차례인 결재가 없습니다.' });
      expect(byId.get('R20260101-00000000')).toMatchObject({ outcome: 'refused', statusCode: 404 });
      expect(byId.get('../../etc/passwd')).toMatchObject({ outcome: 'refused', statusCode: 404 });
      expect(byId.get(rejectWithout.id)).toMatchObject({ outcome: 'refused', statusCode: 400, message: expect.stringContaining('반려할 때는 의견') });
      // The race: exactly one of the bulk item and the link decided it.
      const racedOutcome = byId.get(raced.id);
      expect([racedOutcome?.outcome === 'decided', single.status === 200].filter(Boolean)).toHaveLength(1);
      if (racedOutcome?.outcome !== 'decided') expect(racedOutcome?.statusCode).toBe(409);
      else expect(single.status).toBe(409);
      // Every valid one approved, each decided exactly once by the leader.
      const registered: number[] = [];
      for (const { id, as } of claims.slice(0, 46)) {
        const final = await eventually(async () => {
          const current = await read(id, as);
          if (current.status !== 'approved') throw new Error(`${id} is ${current.status}`);
          return current;
        }, 60_000);
        expect(final.history.filter((event) => event.action === 'decided' && event.actorId === WELFARE_LEADER)).toHaveLength(1);
        expect(final.registration?.number).toBe(`총무과-${final.registration?.sequence}`);
        registered.push(final.registration?.sequence ?? 0);
      }
      // 문서번호: 46 final decisions closing at once in one department took 1…46 of its register, each once, none skipped.
      expect(registered.toSorted((a, b) => a - b)).toEqual(Array.from({ length: 46 }, (_, i) => i + 1));
      expect((await read(rejectWithout.id, rejectWithout.as)).status).toBe('in-review');
      // Over the limit, or the same request twice: the whole body is refused, nothing decided.
      const tooMany = await bulk(
        WELFARE_LEADER,
        Array.from({ length: 51 }, (_, i) => ({ requestId: `R20260101-0000000${i % 10}`, decision: 'approve' })),
      );
      expect(tooMany.status).toBe(400);
      const twice = await bulk(WELFARE_LEADER, [
        { requestId: rejectWithout.id, decision: 'approve' },
        { requestId: rejectWithout.id, decision: 'approve' },
      ]);
      expect(twice.status).toBe(400);
      expect((await read(rejectWithout.id, rejectWithout.as)).status).toBe('in-review');
    });

    it('an input step in a bulk (a repair’s triage) is refused with its reason; the other item of the bulk is decided', async () => {
      // 총무팀's facility officer (E1009) triages 본관 repairs; while 총무팀장 (E1006) is away she also holds his
      // 결재 of a repair she has triaged (대결): one step of each sort, in one bulk.
      const repair = async () => {
        const submitted = await api(backend, 'POST', '/requests', { as: 'E1072', json: { kind: 'facility-repair', ...leakInMainHall } });
        expect(submitted.status, submitted.text).toBe(201);
        return submitted.body.id as string;
      };
      const triaged = await repair();
      expect((await waitingFor(triaged, 'E1072', 0)).approverId).toBe('E1009');
      const triage = await api(backend, 'POST', `/approvals/${triaged}/decision`, {
        as: 'E1009',
        json: { decision: 'approve', estimateKrw: 800_000 },
      });
      expect(triage.status, triage.text).toBe(200);
      expect((await waitingFor(triaged, 'E1072', 1)).approverId).toBe('E1006');
      const today = seoulToday();
      const away = await api(backend, 'PUT', '/delegations', { as: 'E1006', json: { deputyId: 'E1009', from: today, to: today, reason: '출장' } });
      expect(away.status, away.text).toBe(200);
      try {
        expect((await waitingFor(triaged, 'E1072', 1)).approverId).toBe('E1009');
        const untriaged = await repair();
        await waitingFor(untriaged, 'E1072', 0);
        const decided = await bulk('E1009', [
          { requestId: untriaged, decision: 'approve' },
          { requestId: triaged, decision: 'approve', comment: '대결 승인' },
        ]);
        expect(decided.status, decided.text).toBe(200);
        expect(decided.body.items).toEqual([
          {
            requestId: untriaged,
            outcome: 'refused',
            statusCode: 409,
            message: '입력할 내용(견적 금액, 배차 차량 등)이 있는 결재는 일괄로 결정할 수 없습니다. 하나씩 결정하세요.',
          },
          expect.objectContaining({ requestId: triaged, outcome: 'decided' }),
        ]);
        const after = await read(triaged, 'E1072');
        expect(after.steps[1]).toMatchObject({ status: 'approved', approverId: 'E1009', actingForId: 'E1006' });
        expect(after.history).toContainEqual(
          expect.objectContaining({ action: 'decided', actorId: 'E1009', actingForId: 'E1006', comment: '대결 승인' }),
        );
        expect((await read(untriaged, 'E1072')).steps[0]).toMatchObject({ status: 'waiting', approverId: 'E1009' });
      } finally {
        await api(backend, 'DELETE', `/delegations/${today}`, { as: 'E1006' });
      }
    });
  });

  describe('지정 (reassign)', () => {
    it('a welfare officer hands a review to a colleague with the same role: a fresh link for them, the old one dead, recorded; nothing else moves that way', async () => {
      const { id, reviewer, link } = await submittedAndWaiting(backend, 'E1040', 260_000);
      const colleague = ['E1016', 'E1017', 'E1018'].find((officer) => officer !== reviewer) ?? '';
      const reassign = (as: string, body: Record<string, unknown>) => api(backend, 'POST', `/approvals/${id}/reassign`, { as, json: body });
      // Refused: not the holder; the team leader has no welfare-officer role; another team; the requester; no reason.
      expect((await reassign(colleague, { toId: 'E1015', reason: '부재' })).status).toBe(404); // not on it at all
      for (const [toId, message] of [
        ['E1015', '역할'],
        ['E1009', '같은 팀'],
        ['E1040', '요청자'],
      ] as const) {
        const refused = await reassign(reviewer, { toId, reason: '출장' });
        expect(refused.status, toId).toBe(400);
        expect(refused.body.issues[0]).toMatchObject({ path: 'toId', message: expect.stringContaining(message) });
      }
      expect((await reassign(reviewer, { toId: colleague })).status).toBe(400);

      const moved = await reassign(reviewer, { toId: colleague, reason: '담당 지역 조정' });
      expect(moved.status, moved.text).toBe(200);
      expect(moved.body.steps[0]).toMatchObject({ status: 'waiting', approverId: colleague });
      expect((await read(id, 'E1040')).history).toContainEqual(
        expect.objectContaining({
          action: 'reassigned',
          actorId: reviewer,
          fromId: reviewer,
          toId: colleague,
          comment: '담당 지역 조정',
          channel: 'api',
        }),
      );
      expect((await postForm(link, { decision: 'approve' })).status).toBe(409);
      // The old link says what happened: handed to a colleague (지정), not a deputy or the level above.
      const old = await fetch(link);
      expect(old.status).toBe(409);
      const page = await old.text();
      expect(page).toContain('지정');
      expect(page).toContain(seedPerson(colleague).name);
      expect(page).not.toContain('대결 또는 상위자 이관');
      const fresh = decisionLinkIn(await waitForEmail(backend, seedPerson(colleague).email, '[지정]'));
      expect((await postForm(fresh, { decision: 'approve' })).status).toBe(200);
      // The 결재 (approve) step that follows moves only by 대결 or escalation.
      await eventually(async () => {
        if (!(await read(id, 'E1040')).steps.some((step) => step.index === 1 && step.status === 'waiting'))
          throw new Error('approve step not waiting yet');
      });
      const approveStep = await api(backend, 'POST', `/approvals/${id}/reassign`, { as: 'E1015', json: { toId: 'E1016', reason: '부재' } });
      expect(approveStep.status).toBe(409);
      expect(approveStep.body.message).toContain('대결');
    });

    it('a deputy (대결) holding a review for an absent welfare officer: 의견, 보완 요청 and 지정 recorded as acting for them; 지정 to the officer’s colleagues', async () => {
      const { id, reviewer } = await submittedAndWaiting(backend, 'E1076', 270_000);
      const DEPUTY = 'E1010'; // 총무팀, no welfare-officer role
      const actingFor = { actingForId: reviewer, actingForName: seedPerson(reviewer).name };
      const today = seoulToday();
      const away = await api(backend, 'PUT', '/delegations', { as: reviewer, json: { deputyId: DEPUTY, from: today, to: today, reason: '연가' } });
      expect(away.status, away.text).toBe(200);
      try {
        await eventually(async () => {
          const step = (await read(id, 'E1076')).steps[0];
          if (step?.approverId !== DEPUTY) throw new Error('not with the deputy yet');
          expect(step).toMatchObject({ status: 'waiting', actingForId: reviewer });
        });
        const commented = await api(backend, 'POST', `/requests/${id}/comments`, { as: DEPUTY, json: { text: '담당자 부재로 대신 확인합니다' } });
        expect(commented.status, commented.text).toBe(201);
        expect(commented.body.event).toMatchObject({ action: 'commented', actorId: DEPUTY, ...actingFor });
        const asked = await askSupplement(id, DEPUTY, { comment: '영수증 원본을 첨부해 주세요' });
        expect(asked.status, asked.text).toBe(200);
        expect(asked.body.supplement).toMatchObject({ requestedBy: DEPUTY, actingForId: reviewer });
        await answered(id, 'E1076', { comment: '원본으로 다시 올렸습니다' });
        await mailAbout(DEPUTY, id, '[보완]'); // the deputy holds the step again, on a fresh link

        const reassign = (toId: string) =>
          api(backend, 'POST', `/approvals/${id}/reassign`, { as: DEPUTY, json: { toId, reason: '담당 직원이 검토하도록' } });
        // The step is the absent officer's: the deputy's own team is another team; the officer is away; the team's others need the role.
        for (const [toId, message] of [
          ['E1007', '같은 팀'],
          [reviewer, '부재'],
          ['E1019', '역할'],
        ] as const) {
          const refused = await reassign(toId);
          expect(refused.status, toId).toBe(400);
          expect(refused.body.issues[0]).toMatchObject({ path: 'toId', message: expect.stringContaining(message) });
        }
        const colleague = ['E1016', 'E1017', 'E1018'].find((officer) => officer !== reviewer) ?? '';
        const moved = await reassign(colleague);
        expect(moved.status, moved.text).toBe(200);
        expect(moved.body.steps[0]).toMatchObject({ status: 'waiting', approverId: colleague });
        const history = (await read(id, 'E1076')).history;
        expect(history).toContainEqual(expect.objectContaining({ action: 'supplement-requested', actorId: DEPUTY, ...actingFor }));
        expect(history).toContainEqual(
          expect.objectContaining({ action: 'reassigned', actorId: DEPUTY, ...actingFor, fromId: DEPUTY, toId: colleague, channel: 'api' }),
        );
      } finally {
        await api(backend, 'DELETE', `/delegations/${today}`, { as: reviewer });
      }
    });
  });

  describe('의견 (comments)', () => {
    const comment = (id: string, as: string, text: unknown) => api(backend, 'POST', `/requests/${id}/comments`, { as, json: { text } });
    /** The Slack DM about `requestId` that told `employeeId` of a comment (the local outbox holds what Slack would get). */
    const slackNotice = (employeeId: string, requestId: string) =>
      eventually(async () => {
        const dir = join(backend.dataDir, 'outbox', 'slack');
        for (const file of (await readdir(dir)).filter((name) => name.endsWith('chat.postMessage.json'))) {
          const call = JSON.parse(await readFile(join(dir, file), 'utf8')) as { user: string; text: string; blocks: unknown[] };
          if (call.user === seedPerson(employeeId).slackUserId && call.text.startsWith('[의견]') && call.text.includes(requestId)) return call;
        }
        throw new Error(`no Slack comment notice to ${employeeId} yet`);
      });

    it('on a repair: the holder asks, the requester is emailed the text; the history keeps it; nothing is decided', async () => {
      const submitted = await api(backend, 'POST', '/requests', { as: 'E1039', json: { kind: 'facility-repair', ...leakInMainHall } });
      expect(submitted.status, submitted.text).toBe(201);
      const id = submitted.body.id as string;
      const holder = await eventually(async () => {
        const step = (await read(id, 'E1039')).steps.find((candidate) => candidate.status === 'waiting');
        if (!step) throw new Error('no waiting step yet');
        return step.approverId;
      });
      const asked = await comment(id, holder, '누수 위치 사진을 추가로 보내 주실 수 있나요?');
      expect(asked.status, asked.text).toBe(201);
      expect(asked.body.event).toMatchObject({ action: 'commented', actorId: holder, comment: '누수 위치 사진을 추가로 보내 주실 수 있나요?' });
      const mail = await waitForEmail(backend, seedPerson('E1039').email, '[의견]');
      expect(mail.text).toContain('누수 위치 사진을 추가로 보내 주실 수 있나요?');
      expect(JSON.stringify((await slackNotice('E1039', id)).blocks)).toContain('누수 위치 사진을 추가로 보내 주실 수 있나요?');
      const after = await read(id, 'E1039');
      expect(after.status).toBe('in-review');
      expect(after.steps.find((step) => step.approverId === holder)?.status).toBe('waiting');
      expect(after.history.filter((event) => event.action === 'commented')).toHaveLength(1);
      // Someone the request is nothing to: as if it did not exist. An empty comment: 400 naming the field.
      expect((await comment(id, 'E1034', '제 의견은요')).status).toBe(404);
      const empty = await comment(id, holder, '   ');
      expect(empty.status).toBe(400);
      expect(empty.body.issues[0].path).toBe('text');
    });

    it('on a health claim: each side is told of the other’s comment without its text, by email and on Slack; others cannot comment', async () => {
      const { id, reviewer } = await submittedAndWaiting(backend, 'E1043', 250_000);
      expect((await comment(id, 'E1043', '검진 결과지는 다음 주에 나옵니다')).status).toBe(201);
      const mail = await waitForEmail(backend, seedPerson(reviewer).email, '[의견]');
      expect(mail.text).not.toContain('검진 결과지');
      expect(mail.text).toContain('요청 화면');
      // The reviewer answers; the requester (who has Slack — not every welfare officer does) gets a DM without the words.
      expect(seedPerson('E1043').slackUserId).toBeDefined();
      expect((await comment(id, reviewer, '재검진 필요 여부 확인 중입니다')).status).toBe(201);
      const dm = JSON.stringify(await slackNotice('E1043', id));
      expect(dm).not.toContain('재검진');
      expect(dm).toContain('요청 화면에서 확인하세요');
      const colleague = seedDirectory.people.find((person) => person.teamId === seedPerson('E1043').teamId && person.id !== 'E1043');
      expect(colleague).toBeDefined();
      expect((await comment(id, colleague?.id ?? '', '힘내세요')).status).toBe(404);
    });

    it('while a 보완 요청 waits on a repair: the requester is emailed what is asked and which documents; a comment reaches the holder who keeps the step, by email and on Slack', async () => {
      const submitted = await api(backend, 'POST', '/requests', { as: 'E1071', json: { kind: 'facility-repair', ...leakInMainHall } });
      expect(submitted.status, submitted.text).toBe(201);
      const id = submitted.body.id as string;
      await eventually(async () => {
        const step = (await read(id, 'E1071')).steps[0];
        if (step?.status !== 'waiting') throw new Error('triage not waiting yet');
        expect(step.approverId).toBe('E1009');
      });
      const asked = await askSupplement(id, 'E1009', { comment: '누수 부위를 가까이서 다시 찍어 보내 주세요', documentTypes: ['photo'] });
      expect(asked.status, asked.text).toBe(200);
      // Not a health kind: the email says what is asked, and names the documents.
      const notice = await mailAbout('E1071', id, '[보완 요청]');
      expect(notice.text).toContain('요청 내용: 누수 부위를 가까이서 다시 찍어 보내 주세요');
      expect(notice.text).toContain('요청 서류: 사진');
      expect(notice.text).toContain('보완 기한');

      expect((await comment(id, 'E1071', '오늘 오후에 찍어서 올리겠습니다')).status).toBe(201);
      expect((await mailAbout('E1009', id, '[의견]')).text).toContain('오늘 오후에 찍어서 올리겠습니다');
      expect(JSON.stringify((await slackNotice('E1009', id)).blocks)).toContain('오늘 오후에 찍어서 올리겠습니다');
      expect((await read(id, 'E1071')).status).toBe('supplement-requested');
    });
  });

  describe('회수 (recall)', () => {
    it('before anyone decided: the links die, the claim keeps its place, and an edit goes back on the line as a new round', async () => {
      const { id, link } = await submittedAndWaiting(backend, 'E1034', 420_000);
      expect((await recall(id, 'E1035')).status).toBe(404);
      const recalled = await recall(id, 'E1034', { reason: '금액을 잘못 적었습니다' });
      expect(recalled.status, recalled.text).toBe(200);
      expect(recalled.body).toMatchObject({ status: 'recalled', round: 1 });
      expect(recalled.body.steps.map((step: { status: string }) => step.status)).toEqual(['cancelled', 'cancelled']);
      expect((await read(id, 'E1034')).history).toContainEqual(
        expect.objectContaining({ action: 'recalled', actorId: 'E1034', comment: '금액을 잘못 적었습니다' }),
      );
      // The reviewer's link no longer decides anything.
      const late = await postForm(link, { decision: 'approve' });
      expect(late.status).toBe(409);
      // The year's one claim is still this one.
      expect((await api(backend, 'POST', '/requests', { as: 'E1034', json: checkup(300_000) })).status).toBe(409);
      // Recalled twice: refused in Korean.
      expect((await recall(id, 'E1034')).body.message).toContain("'회수(수정 후 재상신)' 상태인 요청은 회수할 수 없습니다");

      const edited = await api(backend, 'PUT', `/requests/${id}`, { as: 'E1034', json: checkup(410_000) });
      expect(edited.status, edited.text).toBe(200);
      expect(edited.body).toMatchObject({ status: 'recalled', amountRequested: 410_000 });
      const again = await api(backend, 'POST', `/requests/${id}/resubmit`, { as: 'E1034', json: { comment: '금액 수정' } });
      expect(again.status, again.text).toBe(200);
      expect(again.body).toMatchObject({ status: 'in-review', round: 2 });
      await eventually(async () => {
        if (!(await read(id, 'E1034')).steps.some((step) => step.status === 'waiting')) throw new Error('round 2 not waiting yet');
      });
    });

    it('after a decision of the round: 409 saying to withdraw (철회), which still works', async () => {
      const { id, link } = await submittedAndWaiting(backend, 'E1035', 380_000);
      expect((await postForm(link, { decision: 'approve' })).status).toBe(200);
      const refused = await recall(id, 'E1035');
      expect(refused.status).toBe(409);
      expect(refused.body.message).toBe('이미 결재가 진행되어 회수할 수 없습니다. 철회하세요.');
      expect((await read(id, 'E1035')).status).toBe('in-review');
      const withdrawn = await api(backend, 'POST', `/requests/${id}/withdraw`, { as: 'E1035', json: { reason: '다음 달에 다시 청구' } });
      expect(withdrawn.status, withdrawn.text).toBe(200);
      expect(withdrawn.body.status).toBe('withdrawn');
    });

    it('after a 전단계 반려 or an answered 보완 요청 of the round, which leave no decision on the steps: still 409', async () => {
      const refusedAsProgressed = async (id: string, as: string) => {
        const refused = await recall(id, as);
        expect(refused.status, refused.text).toBe(409);
        expect(refused.body.message).toBe('이미 결재가 진행되어 회수할 수 없습니다. 철회하세요.');
        expect((await read(id, as)).status).toBe('in-review');
      };
      // 전단계 반려: the team leader sends the claim back to its review, whose approval is pending again.
      const returned = await submittedAndWaiting(backend, 'E1066', 240_000);
      expect((await postForm(returned.link, { decision: 'approve' })).status).toBe(200);
      await eventually(async () => {
        if (!(await read(returned.id, 'E1066')).steps.some((step) => step.index === 1 && step.status === 'waiting'))
          throw new Error('not at the leader yet');
      });
      const back = await api(backend, 'POST', `/approvals/${returned.id}/return-to-previous`, {
        as: 'E1015',
        json: { comment: '검진일을 다시 확인하세요' },
      });
      expect(back.status, back.text).toBe(200);
      expect(back.body.steps.map((step: { status: string }) => step.status)).toEqual(['pending', 'pending']);
      await refusedAsProgressed(returned.id, 'E1066');

      // 보완 요청, answered: the same review waits again, undecided.
      const supplemented = await submittedAndWaiting(backend, 'E1067', 230_000);
      expect((await askSupplement(supplemented.id, supplemented.reviewer, { comment: '영수증이 흐립니다' })).status).toBe(200);
      await answered(supplemented.id, 'E1067', { comment: '다시 스캔했습니다' });
      await mailAbout(supplemented.reviewer, supplemented.id, '[보완]'); // the review is open again, nothing pending for the workflow
      await refusedAsProgressed(supplemented.id, 'E1067');
    });

    it('a recalled request can be given up (철회): its place in the year is free again', async () => {
      const { id } = await submittedAndWaiting(backend, 'E1075', 300_000);
      expect((await recall(id, 'E1075')).status).toBe(200);
      expect((await api(backend, 'POST', `/requests/${id}/withdraw`, { as: 'E1075', json: {} })).body.status).toBe('withdrawn');
      expect((await api(backend, 'POST', '/requests', { as: 'E1075', json: checkup(310_000) })).status).toBe(201);
    });
  });

  describe('참조 (copies) on revision', () => {
    it('a recalled repair is revised with a new list of copies: the one dropped no longer reads it, the one added does, each on their list', async () => {
      const submitted = await api(backend, 'POST', '/requests', {
        as: 'E1070',
        json: { kind: 'facility-repair', ...leakInMainHall, ccIds: ['E1071'] },
      });
      expect(submitted.status, submitted.text).toBe(201);
      const id = submitted.body.id as string;
      expect((await api(backend, 'GET', `/requests/${id}`, { as: 'E1071' })).status).toBe(200);
      await eventually(async () => {
        if (!(await read(id, 'E1070')).steps.some((step) => step.status === 'waiting')) throw new Error('not waiting yet');
      });
      expect((await recall(id, 'E1070')).status).toBe(200);
      const revised = await api(backend, 'PUT', `/requests/${id}`, {
        as: 'E1070',
        json: { ...leakInMainHall, description: '천장 누수, 바닥 물고임', ccIds: ['E1072'] },
      });
      expect(revised.status, revised.text).toBe(200);
      expect(revised.body.readers).toEqual([expect.objectContaining({ id: 'E1072', as: 'cc' })]);
      expect((await api(backend, 'GET', `/requests/${id}`, { as: 'E1071' })).status).toBe(404);
      expect(
        (await api(backend, 'GET', '/circulation', { as: 'E1071' })).body.items.map((item: { requestId: string }) => item.requestId),
      ).not.toContain(id);
      expect((await api(backend, 'GET', '/circulation', { as: 'E1072' })).body.items[0]).toMatchObject({ requestId: id, as: 'cc' });
      // Without ccIds a revision keeps the copies as they are.
      const again = await api(backend, 'PUT', `/requests/${id}`, { as: 'E1070', json: { ...leakInMainHall, description: '천장 누수' } });
      expect(again.body.readers).toEqual([expect.objectContaining({ id: 'E1072' })]);
    });

    it('GET /circulation lists what the caller reads newest first', async () => {
      const ids: string[] = [];
      for (const description of ['복도 천장 누수', '화장실 천장 누수', '계단 천장 누수']) {
        const submitted = await api(backend, 'POST', '/requests', {
          as: 'E1074',
          json: { kind: 'facility-repair', ...leakInMainHall, description, ccIds: ['E1077'] },
        });
        expect(submitted.status, submitted.text).toBe(201);
        ids.push(submitted.body.id as string);
      }
      const listed = await api(backend, 'GET', '/circulation', { as: 'E1077' });
      expect(listed.status, listed.text).toBe(200);
      const items = listed.body.items as { requestId: string; as: string; since: string }[];
      expect(items.map((item) => item.requestId)).toEqual(ids.toReversed());
      expect(items.every((item) => item.as === 'cc')).toBe(true);
      expect(items.map((item) => item.since)).toEqual(
        items
          .map((item) => item.since)
          .toSorted()
          .toReversed(),
      );
    });
  });

  describe('보완 요청 (supplement)', () => {
    const ask = (id: string, as: string, body: unknown) => api(backend, 'POST', `/approvals/${id}/supplement-request`, { as, json: body });
    const answer = (id: string, as: string, body: unknown) => api(backend, 'POST', `/requests/${id}/supplement`, { as, json: body });
    const history = async (id: string, as: string) =>
      (await api(backend, 'GET', `/requests/${id}/history`, { as })).body.events as {
        action: string;
        actorId: string;
        round?: number;
        comment?: string;
        snapshot?: { details: Record<string, unknown> };
        documents?: unknown[];
      }[];

    it('the welfare officer asks for the checkup result; the requester answers with it and a corrected amount; the same step decides, no new round', async () => {
      const { id, reviewer, link } = await submittedAndWaiting(backend, 'E1058', 260_000);
      // Refused: someone not on it, the requester, no comment, a document type the kind does not have.
      expect((await ask(id, 'E1066', { comment: '확인' })).status).toBe(404);
      const byRequester = await ask(id, 'E1058', { comment: '확인' });
      expect(byRequester.status).toBe(409);
      expect(byRequester.body.message).toContain('보완을 요청할 수 있는 결재가 없습니다');
      expect((await ask(id, reviewer, {})).body.issues).toEqual([expect.objectContaining({ path: 'comment' })]);
      const unknownType = await ask(id, reviewer, { comment: '서류', documentTypes: ['x-ray'] });
      expect(unknownType.status).toBe(400);
      expect(unknownType.body.issues[0]).toMatchObject({
        path: 'documentTypes.0',
        message: expect.stringContaining('checkup-result(검진결과 통보서)'),
      });

      const asked = await ask(id, reviewer, { comment: '검진결과 통보서를 첨부해 주세요', documentTypes: ['checkup-result'] });
      expect(asked.status, asked.text).toBe(200);
      expect(asked.body).toMatchObject({ status: 'supplement-requested', supplement: { requestedBy: reviewer, documentTypes: ['checkup-result'] } });
      expect(asked.body.supplement.taskToken).toBeUndefined();
      // The requester is told (a health kind: not what was asked, only that and by when); the old link stops working.
      const notice = await waitForEmail(backend, seedPerson('E1058').email, '[보완 요청]');
      expect(notice.text).toContain('보완 기한');
      expect(notice.text).not.toContain('검진결과');
      const dead = await fetch(link);
      expect(dead.status).toBe(409);
      expect(await dead.text()).toContain('보완을 요청한 상태');
      // Nobody decides meanwhile, not even through the API.
      expect((await api(backend, 'POST', `/approvals/${id}/decision`, { as: reviewer, json: { decision: 'approve' } })).status).toBe(409);

      // Answers: someone else's, without the asked document → refused; then with it and a corrected amount.
      expect((await answer(id, reviewer, { comment: '첨부' })).status).toBe(403);
      const without = await eventually(async () => {
        const response = await answer(id, 'E1058', { comment: '첨부합니다' });
        if (response.status === 409) throw new Error(response.text); // the workflow has not taken up the wait yet
        return response;
      });
      expect(without.status).toBe(400);
      expect(without.body.issues).toEqual([expect.objectContaining({ path: 'attachments', message: expect.stringContaining('검진결과 통보서') })]);
      const result = await uploadDocument(backend, 'E1058', { kind: 'health-checkup', documentType: 'checkup-result' });
      const answered = await answer(id, 'E1058', { comment: '통보서 첨부, 금액 정정', attachments: [result], details: { amountPaid: 270_000 } });
      expect(answered.status, answered.text).toBe(200);
      expect(answered.body).toMatchObject({ status: 'in-review', round: 1, amountRequested: 270_000 });
      expect(answered.body.supplement).toBeUndefined();

      // The same holder gets a fresh link saying it was supplemented, and decides on it.
      const fresh = await eventually(async () => {
        const mails = await emailsTo(backend, seedPerson(reviewer).email, '[보완]');
        const mail = mails.find((candidate) => candidate.subject?.includes(id));
        if (!mail) throw new Error('no [보완] email yet');
        return mail;
      });
      const freshLink = decisionLinkIn(fresh);
      expect(freshLink).not.toBe(link);
      expect((await postForm(freshLink, { decision: 'approve', comment: '확인' })).status).toBe(200);
      const after = await read(id, 'E1058');
      expect(after.round).toBe(1);
      expect(after.steps[0]).toMatchObject({ status: 'approved', approverId: reviewer });
      const events = await history(id, 'E1058');
      const actions = events.map((event) => event.action);
      expect(actions).toEqual(expect.arrayContaining(['supplement-requested', 'supplemented']));
      expect(actions.indexOf('supplement-requested')).toBeLessThan(actions.indexOf('supplemented'));
      expect(events.filter((event) => event.action === 'decided')).toHaveLength(1);
      const supplemented = events.find((event) => event.action === 'supplemented');
      expect(supplemented?.snapshot?.details).toMatchObject({ amountPaid: 260_000 }); // what it said before
      expect(supplemented?.documents).toHaveLength(1);
    });

    it('asked at the second stage: the review’s approval stands, the stage deadline is paused while waiting and given back after the answer', async () => {
      const { id, reviewer, link } = await submittedAndWaiting(backend, 'E1068', 240_000);
      expect((await postForm(link, { decision: 'approve', comment: '영수증 확인' })).status).toBe(200);
      const atLeader = await eventually(async () => {
        const current = await read(id, 'E1068');
        if (current.steps[1]?.status !== 'waiting' || !current.stageDeadline) throw new Error('not at the leader yet');
        return current;
      });
      const reviewed = atLeader.steps[0];
      expect(reviewed).toMatchObject({ status: 'approved', approverId: reviewer });

      const asked = await askSupplement(id, 'E1015', { comment: '검진 항목별 금액을 적어 주세요' });
      expect(asked.status, asked.text).toBe(200);
      expect(asked.body).toMatchObject({ status: 'supplement-requested', supplement: { stepIndex: 1, requestedBy: 'E1015' } });
      expect(asked.body.stageDeadline).toBeUndefined();
      expect(asked.body.steps[0]).toEqual(reviewed);

      const answer = await answered(id, 'E1068', { comment: '항목별 금액을 적었습니다' });
      expect(answer.body).toMatchObject({ status: 'in-review', round: 1, currentStage: 1 });
      expect(answer.body.steps[0]).toEqual(reviewed);
      // The stage keeps what was left of its time: its deadline moves on by the wait, nothing more.
      const moved = Date.parse(answer.body.stageDeadline) - Date.parse(atLeader.stageDeadline ?? '');
      expect(moved).toBeGreaterThanOrEqual(0);
      expect(moved).toBeLessThan(60_000);

      // The leader decides on a fresh link; the reviewer was not asked again.
      expect((await postForm(decisionLinkIn(await mailAbout('E1015', id, '[보완]')), { decision: 'approve' })).status).toBe(200);
      const final = await eventually(async () => {
        const current = await read(id, 'E1068');
        if (current.status !== 'approved') throw new Error(`${id} is ${current.status}`);
        return current;
      });
      expect(final.history.filter((event) => event.action === 'decided').map((event) => event.actorId)).toEqual([reviewer, 'E1015']);
    });

    it('a supplement request outstanding can still be given up (철회)', async () => {
      const { id, reviewer } = await submittedAndWaiting(backend, 'E1061', 210_000);
      expect((await ask(id, reviewer, { comment: '영수증이 흐립니다' })).status).toBe(200);
      const withdrawn = await api(backend, 'POST', `/requests/${id}/withdraw`, { as: 'E1061', json: {} });
      expect(withdrawn.status, withdrawn.text).toBe(200);
      expect(withdrawn.body.status).toBe('withdrawn');
      expect((await answer(id, 'E1061', { comment: '다시' })).status).toBe(409);
    });

    it('the requester who does not answer is reminded, then the request is returned (반려) with that reason', async () => {
      const { id, reviewer } = await submittedAndWaiting(backend, 'E1062', 230_000);
      expect((await ask(id, reviewer, { comment: '세부내역서가 필요합니다' })).status).toBe(200);
      const supplement = await eventually(async () => {
        // The workflow takes up the wait within moments; until it does, an answer is asked to wait (409).
        // An answer naming an upload that does not exist gets past that check and is refused for the file (400).
        const early = await answer(id, 'E1062', { comment: '확인 중', attachments: [`A${'0'.repeat(26)}`] });
        if (early.status === 409) throw new Error(early.text);
        expect(early.status).toBe(400);
        return (await read(id, 'E1062')) as unknown as { supplement: { remindAt: string; answerBy: string } };
      });
      const { remindAt, answerBy } = supplement.supplement;
      await setClock(backend, new Date(Date.parse(remindAt) + 60_000)); // 8 business days on: the reminder
      await runSchedules(backend);
      const reminder = await waitForEmail(backend, seedPerson('E1062').email, '[보완 독촉]');
      expect(reminder.text).toContain('반려됩니다');
      expect((await read(id, 'E1062')).status).toBe('supplement-requested');
      await setClock(backend, new Date(Date.parse(answerBy) + 60_000)); // 10 business days on: returned
      await runSchedules(backend);
      const returned = await eventually(async () => {
        const current = await read(id, 'E1062');
        if (current.status !== 'returned') throw new Error(`${id} is ${current.status}`);
        return current;
      });
      expect(returned.history.find((event) => event.action === 'returned')?.comment).toContain('보완 요청에 기한');
      expect((await history(id, 'E1062')).map((event) => event.action)).toContain('supplement-reminded');
      // Returned as any 반려: revised and resubmitted as a new round.
      const again = await api(backend, 'POST', `/requests/${id}/resubmit`, { as: 'E1062', json: {} });
      expect(again.body).toMatchObject({ status: 'in-review', round: 2 });
    });
  });
});
