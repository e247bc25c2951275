import { describe, expect, it } from 'vitest';
import { noChat } from '../../shared/adapters/slack.js';
import { handoverRefusal } from '../../shared/approvals/reassignment.js';
import { koreanHolidays } from '../../shared/calendar/korean-holidays.js';
import type { Directory } from '../../shared/directory/directory.js';
import { LinkExpiredError, ValidationError } from '../../shared/kernel/errors.js';
import { type OfficePolicy, officePolicy } from '../../shared/policies/office-policy.js';
import type { DelegationStore } from '../../shared/ports/delegation-store.js';
import type { EmailMessage } from '../../shared/ports/messaging.js';
import { changeOf } from '../../shared/requests/change.js';
import { type Holder, openStage, requestSupplement } from '../../shared/requests/line-transitions.js';
import { type ApprovalEngine, makeApprovalEngine } from '../../shared/use-cases/approval-engine.js';
import { makeReassignStep, reassignCandidates } from '../../shared/use-cases/reassign-step.js';
import { makeWorkflowTasks } from '../../shared/use-cases/workflow-tasks.js';
import { inMemoryDirectory, seedDirectory, seedPerson } from '../fixtures/directory.js';
import { policyWith } from '../fixtures/policies/engine-policy.js';
import { inMemoryRequestStore } from '../fixtures/request-store.js';
import { requestInReview } from '../fixtures/requests.js';

/** The holder's actions besides deciding, as use cases over in-memory ports (the integration tests run them through the API). */
const t0 = new Date('2026-11-24T01:00:00.000Z');
const deadline = '2026-12-15T01:00:00.000Z';
const line = [
  {
    stage: 0,
    action: 'review' as const,
    approverId: 'E1016',
    approverName: '임수빈',
    approverPosition: '주무관',
    rule: '교육후생팀 담당자(welfare-officer)',
  },
  { stage: 1, action: 'approve' as const, approverId: 'E1015', approverName: '박은주', approverPosition: '팀장', rule: '교육후생팀장' },
];
const officer: Holder = { id: 'E1016', name: '임수빈', position: '주무관' };
const noDelegations: DelegationStore = {
  put: async () => undefined,
  listFor: async () => [],
  due: async () => [],
  setTimer: async () => undefined,
  remove: async () => false,
};

/** A health claim whose review waits with `holder` on link `h0`, and 지정 over it as of `now`. */
async function reviewWaitingWith(holder: Holder, options: { now?: Date; directory?: Directory; policy?: OfficePolicy } = {}) {
  const { store, links } = inMemoryRequestStore();
  const request = openStage(requestInReview(line, t0.toISOString()), {
    at: t0.toISOString(),
    deadline,
    open: [{ stepIndex: 0, holder, linkHash: 'h0' }],
  }).request;
  await store.save(changeOf(undefined, { request, events: [] }));
  links.set('h0', {
    hash: 'h0',
    requestId: request.id,
    round: 1,
    stepIndex: 0,
    approverId: holder.id,
    actingForId: holder.actingFor?.id,
    taskToken: 'token-1',
    expiresAt: deadline,
    openedAt: t0.toISOString(),
    status: 'open',
  });
  const clock = { now: () => options.now ?? new Date(t0.getTime() + 3_600_000) };
  const directory = options.directory ?? inMemoryDirectory();
  const policy = options.policy ?? officePolicy;
  const sent: EmailMessage[] = [];
  let minted = 0;
  const engine = makeApprovalEngine({
    requests: store,
    directory,
    delegations: noDelegations,
    mailer: { send: async (message) => void sent.push(message) },
    chat: noChat,
    clock,
    ids: { requestId: () => 'R2', linkId: () => `link-${++minted}-${'x'.repeat(32)}` },
    policy,
    holidays: koreanHolidays,
    publicBaseUrl: 'https://approvals.example.go.kr',
    log: () => undefined,
  });
  const reassign = makeReassignStep({ requests: store, directory, policy, engine, clock });
  return { store, links, request, directory, policy, sent, reassign };
}

describe('지정 (reassign)', () => {
  it('is refused once the stage deadline has passed, as a decision would be (410), and mints no link that is dead on arrival', async () => {
    // Prepare: the holder asks a minute after the deadline, before the sweep has failed the stage.
    const { store, links, sent, reassign } = await reviewWaitingWith(officer, { now: new Date(Date.parse(deadline) + 60_000) });
    // Act
    const attempt = reassign({ callerId: 'E1016', requestId: 'R1', body: { toId: 'E1017', reason: '출장' } });
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(LinkExpiredError);
    await expect(attempt).rejects.toThrow(/결재 기한\(.+\)이 지났습니다/);
    expect((await store.get('R1'))?.steps[0]).toMatchObject({ approverId: 'E1016', openLinkHash: 'h0' });
    expect([...links.keys()]).toEqual(['h0']);
    expect(sent).toEqual([]);
  });

  it('by a deputy (대결): within the absent officer’s team and role, not the deputy’s; the page offers the same colleagues', async () => {
    // Prepare: 총무팀's 배준혁 (E1010) holds the review while the welfare officer 임수빈 (E1016) is away.
    const deputy: Holder = { id: 'E1010', name: '배준혁', position: '주무관', actingFor: { id: 'E1016', name: '임수빈' } };
    const { store, request, directory, policy, reassign } = await reviewWaitingWith(deputy);
    const handTo = (toId: string) => reassign({ callerId: 'E1010', requestId: 'R1', body: { toId, reason: '담당 직원이 검토하도록' } });
    const refusalFor = async (toId: string) => {
      const error = await handTo(toId).catch((caught: unknown) => caught);
      expect(error, toId).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues;
    };
    // Act, Assess: the page's list, then the API's refusals and the 지정 itself.
    const review = request.steps[0];
    if (!review) throw new Error('the fixture has no review step');
    const offered = await reassignCandidates({ directory, policy }, request, review);
    expect(offered.map((person) => person.id)).toEqual(['E1017', 'E1018']);
    expect(await refusalFor('E1007')).toEqual([{ path: 'toId', message: '같은 팀의 직원에게만 지정할 수 있습니다' }]);
    expect(await refusalFor('E1016')).toEqual([{ path: 'toId', message: '부재 중인 원래 결재권자에게는 지정할 수 없습니다' }]);
    expect(await refusalFor('E1019')).toEqual([{ path: 'toId', message: '안소희님에게는 이 단계의 역할(welfare-officer)이 없습니다' }]);
    const moved = await handTo('E1017');
    expect(moved.steps[0]).toMatchObject({ status: 'waiting', approverId: 'E1017' });
    expect((await store.get('R1'))?.steps[0]?.actingForId).toBeUndefined();
  });

  it('goes to another team only where the kind’s policy says so (reassign.acrossTeams); the office policy keeps every kind within its team', async () => {
    for (const [kind, rules] of Object.entries(officePolicy.kinds)) expect(rules.reassign, kind).toEqual({ acrossTeams: false });
    // Prepare: a welfare officer seconded to 총무팀 (E1009 given the role), and a policy that lets health claims cross teams.
    const seconded = structuredClone(seedDirectory);
    for (const person of seconded.people) if (person.id === 'E1009') person.roles.push('welfare-officer');
    const directory = inMemoryDirectory(seconded);
    const acrossTeams = policyWith({ kinds: { 'health-checkup': { reassign: { acrossTeams: true } } } }).policy;
    const handTo = (reassign: Awaited<ReturnType<typeof reviewWaitingWith>>['reassign'], toId: string) =>
      reassign({ callerId: 'E1016', requestId: 'R1', body: { toId, reason: '총무팀 파견 담당자가 검토' } });
    const offeredBy = async (setup: Awaited<ReturnType<typeof reviewWaitingWith>>) => {
      const review = setup.request.steps[0];
      if (!review) throw new Error('the fixture has no review step');
      return (await reassignCandidates(setup, setup.request, review)).map((person) => person.id).toSorted();
    };

    // Act, Assess: the office policy — the other team's officer is neither offered nor accepted.
    const withinTeam = await reviewWaitingWith(officer, { directory });
    expect(await offeredBy(withinTeam)).toEqual(['E1017', 'E1018']);
    await expect(handTo(withinTeam.reassign, 'E1009')).rejects.toMatchObject({
      issues: [{ path: 'toId', message: '같은 팀의 직원에게만 지정할 수 있습니다' }],
    });
    // The kind's policy allows it: offered and accepted, still only with the step's role.
    const anyTeam = await reviewWaitingWith(officer, { directory, policy: acrossTeams });
    expect(await offeredBy(anyTeam)).toEqual(['E1009', 'E1017', 'E1018']);
    await expect(handTo(anyTeam.reassign, 'E1010')).rejects.toMatchObject({
      issues: [{ path: 'toId', message: '배준혁님에게는 이 단계의 역할(welfare-officer)이 없습니다' }],
    });
    expect((await handTo(anyTeam.reassign, 'E1009')).steps[0]).toMatchObject({ status: 'waiting', approverId: 'E1009' });
  });
});

describe('whom a step may be handed to (지정), as a pure rule', () => {
  const handover = (acrossTeams: boolean) => ({
    principal: seedPerson('E1016'),
    callerId: 'E1016',
    requesterId: 'E1034',
    role: 'welfare-officer',
    acrossTeams,
  });
  const withRole = (id: string) => ({ ...seedPerson(id), roles: ['welfare-officer'] });

  it('keeps to the holder’s team unless the policy says otherwise, and never to someone outside any team', () => {
    expect(handoverRefusal(handover(false), withRole('E1017'))).toBeUndefined();
    expect(handoverRefusal(handover(false), withRole('E1009'))).toBe('같은 팀의 직원에게만 지정할 수 있습니다');
    expect(handoverRefusal(handover(true), withRole('E1009'))).toBeUndefined();
    // A department head (no team) with the role: never, whatever the policy.
    expect(handoverRefusal(handover(true), withRole('E1005'))).toBe('팀에 속한 직원에게만 지정할 수 있습니다');
    expect(handoverRefusal(handover(false), withRole('E1005'))).toBe('같은 팀의 직원에게만 지정할 수 있습니다');
    // Neither the requester nor oneself, across teams or not.
    expect(handoverRefusal(handover(true), withRole('E1034'))).toBe('요청자에게는 지정할 수 없습니다');
    expect(handoverRefusal(handover(true), withRole('E1016'))).toBe('본인에게는 지정할 수 없습니다');
  });
});

describe('the 보완 wait’s backstop (the Await supplement task’s own timeout)', () => {
  it('fails the request saying the 보완 went unanswered past its answer deadline, not that a stage deadline passed', async () => {
    // Prepare: the review asked for a supplement; the sweep never returned it, and the task timed out.
    const { store } = inMemoryRequestStore();
    const opened = openStage(requestInReview(line, t0.toISOString()), {
      at: t0.toISOString(),
      deadline,
      open: [{ stepIndex: 0, holder: officer, linkHash: 'h0' }],
    }).request;
    const asked = requestSupplement(opened, {
      stepIndex: 0,
      actor: { id: 'E1016', name: '임수빈' },
      comment: '영수증 원본을 첨부해 주세요',
      at: new Date(t0.getTime() + 3_600_000).toISOString(),
      channel: 'api',
      taskToken: 'token-1',
      answerBy: '2026-12-08T00:00:00.000Z',
    });
    await store.save(changeOf(undefined, asked));
    const sent: EmailMessage[] = [];
    const tasks = makeWorkflowTasks({
      requests: store,
      directory: inMemoryDirectory(),
      mailer: { send: async (message) => void sent.push(message) },
      clock: { now: () => new Date('2026-12-18T01:00:00.000Z') },
      policy: officePolicy,
      engine: {} as ApprovalEngine, // recording a failure opens no stage
      log: () => undefined,
    });
    // Act
    await tasks.recordFailure({ requestId: 'R1', round: 1, error: { Error: 'States.Timeout', Cause: 'task timed out' } });
    // Assess: failed, with the 보완 reason on record and in the requester's email.
    expect((await store.get('R1'))?.status).toBe('failed');
    const failed = (await store.history('R1')).find((event) => event.action === 'failed');
    expect(failed?.comment).toBe('보완 요청의 답변 기한(2026년 12월 8일 09:00)이 지나도록 처리되지 않아 요청이 중단되었습니다');
    expect(sent.map((message) => message.to.email)).toEqual([seedPerson('E1034').email]);
    expect(sent[0]?.text).toContain('보완 요청의 답변 기한');
    expect(sent[0]?.text).not.toContain('결재 기한(단계별');
  });
});
