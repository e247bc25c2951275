import { describe, expect, it } from 'vitest';
import { closesLoop } from '../../shared/approvals/delegations.js';
import type { Delegation } from '../../shared/ports/delegation-store.js';
import { acknowledged } from '../../shared/requests/circulation-transitions.js';
import { actedOnInRound } from '../../shared/requests/history.js';
import type { ApprovalRequest } from '../../shared/requests/kinds/index.js';
import { requestSchema } from '../../shared/requests/kinds/index.js';
import { lifecycleMove } from '../../shared/requests/lifecycle-transitions.js';
import { openStage, reassignStep, recordDecision, returnToPrevious, skipStep } from '../../shared/requests/line-transitions.js';
import { closeRequest, resubmit } from '../../shared/requests/round-transitions.js';
import { requestIndexAttributes } from '../../shared/store/entities/request.js';
import { leakInMainHall, requestInReview } from '../fixtures/requests.js';

const at = '2026-11-24T01:00:00.000Z';
const person = (id: string) => ({ id, name: `이름${id}`, position: '팀장' });
const request = (): ApprovalRequest =>
  requestInReview(
    [
      { stage: 0, action: 'cooperate', approverId: 'E1011', approverName: '김혜정', approverPosition: '팀장', rule: '인사팀장' },
      { stage: 0, action: 'cooperate', approverId: 'E1023', approverName: '신동혁', approverPosition: '팀장', rule: '전산운영팀장' },
      {
        stage: 1,
        action: 'approve',
        approverId: 'E1015',
        approverName: '박은주',
        approverPosition: '팀장',
        rule: '교육후생팀장',
        delegatedAuthority: '위임전결: 교육후생팀장',
      },
    ],
    at,
  );
const opened = () =>
  openStage(request(), {
    at,
    deadline: '2026-12-15T01:00:00.000Z',
    open: [
      { stepIndex: 0, holder: person('E1011'), linkHash: 'h0' },
      { stepIndex: 1, holder: person('E1023'), linkHash: 'h1' },
    ],
  }).request;
const decide = (r: ApprovalRequest, stepIndex: number, decision: 'approve' | 'reject', rejection: 'return' | 'final' = 'return') =>
  recordDecision(r, {
    stepIndex,
    decision,
    comment: decision === 'reject' ? '보완 필요' : undefined,
    actor: { id: 'x', name: 'x' },
    at,
    channel: 'api',
    rejection,
  });

describe('stages of an approval line', () => {
  it('a parallel stage completes only when every step agrees', () => {
    const first = decide(opened(), 0, 'approve');
    expect(first.outcome).toBe('waiting');
    expect(first.request.currentStage).toBe(0);
    const second = decide(first.request, 1, 'approve');
    expect(second.outcome).toBe('next');
    expect(second.request.currentStage).toBe(1);
  });

  it('one rejection returns the request and cancels the other parallel step, revoking its link', () => {
    const rejected = decide(opened(), 0, 'reject');
    expect(rejected.outcome).toBe('returned');
    expect(rejected.revokedLinks).toEqual(['h1']);
    expect(rejected.request.steps[1]).toMatchObject({ status: 'cancelled' });
    expect(decide(opened(), 0, 'reject', 'final').outcome).toBe('rejected');
  });

  it("the final approval is marked 전결, a deputy's decision 대결, with whom they acted for", () => {
    const atFinal = decide(decide(opened(), 0, 'approve').request, 1, 'approve').request;
    const withDeputy = openStage(atFinal, {
      at,
      deadline: at,
      open: [{ stepIndex: 2, linkHash: 'h2', holder: { ...person('E1006'), actingFor: { id: 'E1015', name: '박은주' } } }],
    }).request;
    const final = decide(withDeputy, 2, 'approve');
    expect(final.outcome).toBe('approved');
    expect(final.events[0]).toMatchObject({ markers: ['전결', '대결'], actingForId: 'E1015', rule: '위임전결: 교육후생팀장' });
    expect(final.request.participants).toContain('E1006');
  });

  it('a skipped reviewer counts as done, with the reason on record', () => {
    const skipped = skipStep(decide(opened(), 0, 'approve').request, { stepIndex: 1, reason: '출장', actor: { id: 'E1034', name: '진우석' }, at });
    expect(skipped.outcome).toBe('next');
    expect(skipped.revokedLink).toBe('h1');
    expect(skipped.request.steps[1]).toMatchObject({ status: 'skipped', skipReason: '출장' });
  });

  it('re-routing moves the step to a new holder and link, and says from whom to whom', () => {
    const moved = reassignStep(opened(), {
      stepIndex: 0,
      holder: person('E1005'),
      linkHash: 'h9',
      at,
      action: 'escalated',
      reason: '4영업일 경과',
      rule: '상위 결재권자 이관: 총무과장',
    });
    expect(moved.revokedLink).toBe('h0');
    expect(moved.request.steps[0]).toMatchObject({ approverId: 'E1005', openLinkHash: 'h9', escalatedAt: at, rule: '상위 결재권자 이관: 총무과장' });
    expect(moved.events[0]).toMatchObject({ action: 'escalated', fromId: 'E1011', toId: 'E1005' });
  });

  it('지정 by a deputy is recorded as the deputy acting for the absent approver; the workflow’s own moves name whom the new holder acts for', () => {
    const held = openStage(request(), {
      at,
      deadline: at,
      open: [{ stepIndex: 0, holder: { ...person('E1010'), actingFor: { id: 'E1011', name: '김혜정' } }, linkHash: 'h0' }],
    }).request;
    const handed = reassignStep(held, {
      stepIndex: 0,
      holder: { ...person('E1012'), actingFor: { id: 'E1013', name: '송예린' } },
      linkHash: 'h9',
      at,
      action: 'reassigned',
      reason: '담당자 검토',
      actor: { id: 'E1010', name: '이름E1010', channel: 'api' },
    });
    expect(handed.events[0]).toMatchObject({
      action: 'reassigned',
      actorId: 'E1010',
      actingForId: 'E1011',
      actingForName: '김혜정',
      fromId: 'E1010',
      toId: 'E1012',
      comment: '담당자 검토 (송예린 부재 중: 이름E1012 대결)',
    });
    expect(handed.request.steps[0]).toMatchObject({ approverId: 'E1012', actingForId: 'E1013' });
    const rerouted = reassignStep(opened(), {
      stepIndex: 0,
      holder: { ...person('E1014'), actingFor: { id: 'E1011', name: '김혜정' } },
      linkHash: 'h8',
      at,
      action: 'rerouted',
      reason: '대결 지정',
    });
    expect(rerouted.events[0]).toMatchObject({ actorId: 'system', actingForId: 'E1011', toId: 'E1014', comment: '대결 지정' });
  });

  it("a resubmission is a new round whose record keeps the earlier round's decisions", () => {
    const returned = closeRequest(decide(opened(), 0, 'reject').request, {
      status: 'returned',
      at,
      actor: { id: 'system', name: 'system' },
      channel: 'workflow',
    }).request;
    const again = resubmit(returned, {
      line: [{ stage: 0, action: 'approve', approverId: 'E1015', approverName: '박은주', approverPosition: '팀장', rule: '교육후생팀장' }],
      at,
      actor: { id: 'E1034', name: '진우석' },
    });
    expect(again.request).toMatchObject({ status: 'in-review', round: 2, currentStage: 0 });
    expect(again.events[0]?.snapshot?.steps?.[0]).toMatchObject({ status: 'rejected', comment: '보완 필요' });
  });
});

describe('회수: whether anyone on the line has acted in the round', () => {
  it('counts what the steps no longer show (a decision a 전단계 반려 reopened), and only for its own round', () => {
    const cooperated = decide(decide(opened(), 0, 'approve').request, 1, 'approve');
    const atFinal = openStage(cooperated.request, { at, deadline: at, open: [{ stepIndex: 2, holder: person('E1015'), linkHash: 'h2' }] });
    const back = returnToPrevious(atFinal.request, {
      stepIndex: 2,
      toStage: 0,
      actor: { id: 'E1015', name: '박은주' },
      comment: '협조 의견을 다시 받으세요',
      at,
      channel: 'api',
      taskToken: 'token',
    });
    expect(back.request.steps.map((step) => step.status)).toEqual(['pending', 'pending', 'pending']);
    const record = [...cooperated.events, ...back.events];
    expect(actedOnInRound(record, 1)).toBe(true);
    expect(actedOnInRound(record, 2)).toBe(false);
    // Being told of a step, or a comment, is no one acting on it.
    expect(actedOnInRound([...atFinal.events, { at, actorId: 'E1034', action: 'commented', round: 1, comment: '확인 부탁드립니다' }], 1)).toBe(false);
  });
});

describe('the retention clock (보존기간)', () => {
  const closing = '2026-11-30T06:00:00.000Z';
  const yearsLater = '2028-03-02T01:00:00.000Z';
  /** A repair whose work is reported done, circulated (공람) to its managing team's officer. */
  const workDone = () =>
    requestSchema.parse({
      ...requestInReview([], at),
      kind: 'facility-repair',
      details: leakInMainHall,
      status: 'work-done',
      readers: [{ id: 'E1009', name: '문가영', as: 'circulation', since: at }],
    });
  const confirm = (request: ApprovalRequest) =>
    lifecycleMove(request, { at: closing, changes: { status: 'completed' }, event: { actorId: 'E1034', action: 'confirmed', channel: 'api' } })
      .request;
  const ack = (request: ApprovalRequest) => {
    const reader = request.readers?.[0];
    if (!reader) throw new Error('no reader');
    return acknowledged(request, { reader, at: yearsLater, channel: 'api' }).request;
  };

  it('starts when the request closes: a reader’s 확인 years later does not postpone its 파기', () => {
    const completed = confirm(workDone());
    expect(requestIndexAttributes(completed)).toMatchObject({ timerShard: 'RETENTION#facility-repair', nextTimerAt: closing });
    const acked = ack(completed);
    expect(acked.updatedAt).toBe(yearsLater);
    expect(requestIndexAttributes(acked)).toMatchObject({ timerShard: 'RETENTION#facility-repair', nextTimerAt: closing });
    expect(acked.closedAt).toBe(closing);
  });

  it('for a request stored closed before `closedAt` was recorded, counts from its last change, and keeps that once something changes', () => {
    const { closedAt: _closedAt, ...stored } = confirm(workDone());
    expect(requestIndexAttributes(stored)).toMatchObject({ nextTimerAt: closing });
    const acked = ack(stored);
    expect(requestIndexAttributes(acked)).toMatchObject({ nextTimerAt: closing });
    expect(acked.closedAt).toBe(closing);
  });
});

describe('delegation loops', () => {
  const delegation = (principalId: string, deputyId: string, from: string, to: string): Delegation => ({
    principalId,
    deputyId,
    from,
    to,
    reason: '연가',
    createdBy: principalId,
    createdAt: at,
  });
  const store = (all: Delegation[]) => async (id: string) => all.filter((d) => d.principalId === id);

  it('refuses A→B while B→C→A overlaps, and allows it when the periods do not meet', async () => {
    const existing = [delegation('B', 'C', '2026-12-01', '2026-12-05'), delegation('C', 'A', '2026-12-03', '2026-12-04')];
    expect(await closesLoop(delegation('A', 'B', '2026-12-02', '2026-12-03'), store(existing))).toEqual(['A', 'B', 'C', 'A']);
    expect(await closesLoop(delegation('A', 'B', '2026-12-10', '2026-12-12'), store(existing))).toBeUndefined();
  });
});
