import { describe, expect, it } from 'vitest';
import { noChat } from '../../shared/adapters/slack.js';
import { koreanHolidays } from '../../shared/calendar/korean-holidays.js';
import type { Directory } from '../../shared/directory/directory.js';
import { LinkExpiredError } from '../../shared/kernel/errors.js';
import { type OfficePolicy, officePolicy } from '../../shared/policies/office-policy.js';
import type { DelegationStore } from '../../shared/ports/delegation-store.js';
import type { EmailMessage } from '../../shared/ports/messaging.js';
import { changeOf } from '../../shared/requests/change.js';
import { type Holder, openStage } from '../../shared/requests/line-transitions.js';
import { makeApprovalEngine } from '../../shared/use-cases/approval-engine.js';
import { makeReassignStep } from '../../shared/use-cases/reassign-step.js';
import { inMemoryDirectory } from '../fixtures/directory.js';
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
});
