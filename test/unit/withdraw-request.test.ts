import { describe, expect, it, vi } from 'vitest';
import { officePolicy } from '../../shared/policies/office-policy.js';
import type { EmailMessage } from '../../shared/ports/messaging.js';
import type { Workflows } from '../../shared/ports/workflows.js';
import { changeOf } from '../../shared/requests/change.js';
import { openStage } from '../../shared/requests/line-transitions.js';
import { closeRequest } from '../../shared/requests/round-transitions.js';
import { makeAbandonment } from '../../shared/use-cases/abandonment.js';
import { makeWithdrawRequest } from '../../shared/use-cases/withdraw-request.js';
import { inMemoryDirectory } from '../fixtures/directory.js';
import { inMemoryRequestStore } from '../fixtures/request-store.js';
import { requestInReview } from '../fixtures/requests.js';

const t0 = '2026-11-24T01:00:00.000Z';
const line = [{ stage: 0, action: 'approve' as const, approverId: 'E1015', approverName: '박은주', approverPosition: '팀장', rule: '교육후생팀장' }];
const stopped: string[] = [];
const workflows: Workflows = {
  start: async () => 'arn',
  stop: async (_kind, requestId) => void stopped.push(requestId),
  resume: async () => undefined,
  fail: async () => undefined,
};
const clock = { now: () => new Date('2026-11-24T01:00:05.000Z') };

describe('withdrawing a request', () => {
  it('succeeds right after submission, while the workflow is still opening the first stage, and kills the link it opened', async () => {
    // Prepare: the request as submission stored it; the workflow's first step writes between the
    // withdrawal's read and its write (what a requester who withdraws at once runs into).
    const { store, links } = inMemoryRequestStore();
    const submitted = requestInReview(line, t0);
    await store.save(changeOf(undefined, { request: submitted, events: [] }));
    const read = store.get;
    let workflowWrote = false;
    store.get = async (id) => {
      const current = await read(id);
      if (!workflowWrote && current) {
        workflowWrote = true;
        const opened = openStage(current, {
          at: t0,
          deadline: '2026-12-15T01:00:00.000Z',
          open: [{ stepIndex: 0, holder: { id: 'E1015', name: '박은주', position: '팀장' }, linkHash: 'h0' }],
        });
        await store.save({
          ...changeOf(current, opened),
          links: {
            put: [
              {
                hash: 'h0',
                requestId: 'R1',
                round: 1,
                stepIndex: 0,
                approverId: 'E1015',
                taskToken: 't',
                expiresAt: '2026-12-15T01:00:00.000Z',
                openedAt: t0,
                status: 'open',
              },
            ],
          },
        });
      }
      return current;
    };
    const withdraw = makeWithdrawRequest({ requests: store, workflows, clock, log: vi.fn() });

    // Act
    const view = await withdraw({ callerId: 'E1034', requestId: 'R1', body: { reason: '금액을 잘못 입력함' } });

    // Assess: withdrawn with the reason, the approver's fresh link no longer decides, the workflow is stopped.
    expect(view.status).toBe('withdrawn');
    expect((await read('R1'))?.status).toBe('withdrawn');
    expect(links.get('h0')).toMatchObject({ status: 'revoked', revokedReason: 'closed' });
    expect(stopped).toEqual(['R1']);
  });

  it('is refused in Korean once the request is no longer in review, and nothing changes', async () => {
    // Prepare
    const { store } = inMemoryRequestStore();
    await store.save(changeOf(undefined, { request: requestInReview(line, t0, { status: 'approved' }), events: [] }));
    const withdraw = makeWithdrawRequest({ requests: store, workflows, clock, log: vi.fn() });

    // Act + Assess
    await expect(withdraw({ callerId: 'E1034', requestId: 'R1', body: {} })).rejects.toMatchObject({
      statusCode: 409,
      message: expect.stringContaining("이미 '승인' 상태인 요청"),
    });
    expect((await store.get('R1'))?.status).toBe('approved');
  });
});

describe('장기 미처리: a request left waiting for its requester', () => {
  const day = 86_400_000;
  const days = officePolicy.approvals.abandonAfterDays;
  const clockAfter = (ms: number) => ({ now: () => new Date(Date.parse(t0) + ms) });

  it('is withdrawn by the sweep once returned for the policy’s days, and its requester told; one touched since waits again', async () => {
    const { store } = inMemoryRequestStore();
    const returned = closeRequest(requestInReview(line, t0), { status: 'returned', at: t0, actor: { id: 'E1015', name: '박은주' }, channel: 'api' });
    await store.save(changeOf(undefined, { request: returned.request, events: returned.events }));
    const recalledLater = closeRequest(requestInReview(line, t0, { id: 'R2', updatedAt: t0 }), {
      status: 'recalled',
      at: new Date(Date.parse(t0) + 30 * day).toISOString(),
      actor: { id: 'E1034', name: '진우석' },
      channel: 'api',
    });
    await store.save(changeOf(undefined, { request: recalledLater.request, events: recalledLater.events }));
    const sent: EmailMessage[] = [];
    const sweepAt = (clock: { now: () => Date }) =>
      makeAbandonment({
        requests: store,
        directory: inMemoryDirectory(),
        mailer: { send: async (m) => void sent.push(m) },
        clock,
        policy: officePolicy,
        log: vi.fn(),
      });

    expect(await sweepAt(clockAfter(days * day - 1)).runDue(25)).toEqual({ withdrawn: 0, failed: 0 });
    expect((await store.get('R1'))?.status).toBe('returned');

    expect(await sweepAt(clockAfter(days * day)).runDue(25)).toEqual({ withdrawn: 1, failed: 0 });
    const withdrawn = await store.get('R1');
    expect(withdrawn?.status).toBe('withdrawn');
    expect((await store.history('R1')).at(-1)).toMatchObject({
      action: 'withdrawn',
      actorId: 'system',
      comment: expect.stringContaining(`${days}일`),
    });
    expect(sent.map((message) => [message.to.name, message.subject])).toEqual([['진우석', expect.stringContaining('[자동 철회]')]]);
    // Recalled 30 days later: its own wait has 30 days to go.
    expect((await store.get('R2'))?.status).toBe('recalled');
    expect(await sweepAt(clockAfter((days + 30) * day)).runDue(25)).toEqual({ withdrawn: 1, failed: 0 });
    expect((await store.get('R2'))?.status).toBe('withdrawn');
  });
});
