import { describe, expect, it, vi } from 'vitest';
import type { Workflows } from '../../shared/ports/workflows.js';
import { changeOf } from '../../shared/requests/change.js';
import { openStage } from '../../shared/requests/line-transitions.js';
import { workflowStartDueAt } from '../../shared/store/entities/request.js';
import { sweepOver } from '../fixtures/approval-timers.js';
import { inMemoryRequestStore } from '../fixtures/request-store.js';
import { requestInReview } from '../fixtures/requests.js';

const t0 = new Date('2026-11-24T01:00:00.000Z');
const line = [{ stage: 0, action: 'approve' as const, approverId: 'E1015', approverName: '박은주', approverPosition: '팀장', rule: '교육후생팀장' }];

/**
 * A request saved in review whose workflow never started: in AWS, the submitting function died
 * (a timeout, a crash) between storing the request and StartExecution, and the caller never retried
 * with its Idempotency-Key. Nobody would ever be asked to decide; the sweep starts the workflow.
 */
describe('a round in review whose workflow never opened a stage', () => {
  function sweepWith(store: ReturnType<typeof inMemoryRequestStore>['store'], now: () => Date) {
    const started: [string, string, number][] = [];
    const workflows: Workflows = {
      start: async (kind, requestId, round) => {
        started.push([kind, requestId, round]);
        return 'arn';
      },
      stop: async () => undefined,
      fail: async () => undefined,
      resume: async () => undefined,
    };
    const timers = sweepOver({ requests: store, workflows, clock: { now }, log: vi.fn() });
    return { timers, started };
  }

  it('is started by the sweep after five minutes, and left alone once a stage is open', async () => {
    const { store } = inMemoryRequestStore();
    const submitted = requestInReview(line, t0.toISOString());
    await store.save(changeOf(undefined, { request: submitted, events: [] }));
    let now = new Date(t0.getTime() + 4 * 60_000);
    const { timers, started } = sweepWith(store, () => now);

    expect((await timers.sweep()).started).toBe(0); // within the grace: the workflow is on its way

    now = new Date(t0.getTime() + 6 * 60_000);
    expect((await timers.sweep()).started).toBe(1);
    expect(started).toEqual([['health-checkup', 'R1', 1]]);

    // The workflow opens the first stage: nothing more for the sweep to start.
    const opened = openStage(submitted, {
      at: now.toISOString(),
      deadline: '2026-12-15T01:00:00.000Z',
      open: [{ stepIndex: 0, holder: { id: 'E1015', name: '박은주', position: '팀장' }, linkHash: 'h0' }],
    });
    await store.save(changeOf(submitted, opened));
    now = new Date(t0.getTime() + 60 * 60_000);
    expect((await timers.sweep()).started).toBe(0);
    expect(started).toHaveLength(1);
  });

  it('is due only in review with every step pending', () => {
    const submitted = requestInReview(line, t0.toISOString());
    expect(workflowStartDueAt(submitted)).toBe('2026-11-24T01:05:00.000Z');
    expect(workflowStartDueAt({ ...submitted, status: 'withdrawn' })).toBeUndefined();
    expect(workflowStartDueAt({ ...submitted, status: 'failed' })).toBeUndefined();
    const [step] = submitted.steps;
    if (!step) throw new Error('no step');
    expect(workflowStartDueAt({ ...submitted, steps: [{ ...step, status: 'waiting' }] })).toBeUndefined();
  });
});
