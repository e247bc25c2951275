import { describe, expect, it, vi } from 'vitest';
import type { Workflows } from '../../shared/ports/workflows.js';
import { changeOf } from '../../shared/requests/change.js';
import { openStage } from '../../shared/requests/line-transitions.js';
import { makeWithdrawRequest } from '../../shared/use-cases/withdraw-request.js';
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
