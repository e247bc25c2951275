import { describe, expect, it, vi } from 'vitest';
import { noChat } from '../../shared/adapters/slack.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import type { FleetStore } from '../../shared/ports/fleet-store.js';
import type { DecisionOutcome, Workflows } from '../../shared/ports/workflows.js';
import { changeOf } from '../../shared/requests/change.js';
import type { ApprovalRequest } from '../../shared/requests/kinds/index.js';
import { openStage } from '../../shared/requests/line-transitions.js';
import { makeDecideStep } from '../../shared/use-cases/decide-step.js';
import { sweepOver } from '../fixtures/approval-timers.js';
import { inMemoryDirectory } from '../fixtures/directory.js';
import { inMemoryRequestStore } from '../fixtures/request-store.js';
import { requestInReview } from '../fixtures/requests.js';

const t0 = new Date('2026-11-24T01:00:00.000Z');
const request: ApprovalRequest = openStage(
  requestInReview(
    [{ stage: 0, action: 'approve', approverId: 'E1015', approverName: '박은주', approverPosition: '팀장', rule: '교육후생팀장' }],
    t0.toISOString(),
  ),
  {
    at: t0.toISOString(),
    deadline: '2026-12-15T01:00:00.000Z',
    open: [{ stepIndex: 0, holder: { id: 'E1015', name: '박은주', position: '팀장' }, linkHash: 'h0' }],
  },
).request;

describe('a decision whose workflow could not be told', () => {
  it('is saved anyway, the person is not shown an error, and the timer sweep tells the workflow later', async () => {
    // Prepare
    const { store, links } = inMemoryRequestStore();
    await store.save(changeOf(undefined, { request, events: [] }));
    links.set('h0', {
      hash: 'h0',
      requestId: 'R1',
      round: 1,
      stepIndex: 0,
      approverId: 'E1015',
      taskToken: 'token-1',
      expiresAt: '2026-12-15T01:00:00.000Z',
      openedAt: t0.toISOString(),
      status: 'open',
    });
    const resumed: [string, DecisionOutcome][] = [];
    let stepFunctionsUp = false;
    const workflows: Workflows = {
      start: async () => 'arn',
      stop: async () => undefined,
      fail: async () => undefined,
      resume: async (token, outcome) => {
        if (!stepFunctionsUp) throw Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' });
        resumed.push([token, outcome]);
      },
    };
    let now = new Date(t0.getTime() + 60_000);
    const clock = { now: () => now };
    const log = vi.fn();
    const mailer = { send: vi.fn(async () => undefined) };
    const decideStep = makeDecideStep({
      requests: store,
      directory: inMemoryDirectory(),
      workflows,
      mailer,
      chat: noChat,
      clock,
      policy: officePolicy,
      // A health claim has no input steps: the fleet is never asked.
      fleet: {} as FleetStore,
      log,
    });

    // Act: the approver decides while Step Functions is unreachable.
    const result = await decideStep.decide({ linkHash: 'h0', decision: 'approve', actorId: 'E1015', channel: 'api' });

    // Assess: recorded, and what the workflow must hear is kept.
    expect(result.step.status).toBe('approved');
    expect((await store.get('R1'))?.resumePending).toMatchObject({ taskToken: 'token-1', outcome: 'approved' });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('timer sweep retries'), expect.objectContaining({ requestId: 'R1' }));

    // Act: Step Functions is back; the sweep runs after the grace period.
    stepFunctionsUp = true;
    now = new Date(t0.getTime() + 10 * 60_000);
    const timers = sweepOver({ requests: store, workflows, clock, log });
    const report = await timers.sweep();

    // Assess
    expect(report.resumed).toBe(1);
    expect(resumed).toEqual([['token-1', { outcome: 'approved' }]]);
  });
});
