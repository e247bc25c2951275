import type { KindPolicies } from '../policies/approval-policy.js';
import type { HistoryEvent } from './history.js';
import type { ApprovalRequest } from './kinds/index.js';
import type { Actor } from './line-transitions.js';
import { moved } from './moves.js';
import { effectApplied, followedUp } from './per-kind.js';
import type { BaseRequest } from './request.js';

/**
 * Transitions after approval: a kind's own moves (a repair reported done, a booking's trip log),
 * a payment, a follow-up of the timer sweep, a scheduled effect taking place. Each goes through
 * `moved` (the kind's status table, version + 1) and returns the event that records it.
 */

/** One move of a kind's life after approval, made by a person or the system, with its record. */
export function lifecycleMove<R extends BaseRequest>(
  request: R,
  input: { at: string; changes: Partial<R>; event: Omit<HistoryEvent, 'at' | 'round'> },
): { request: R; events: HistoryEvent[] } {
  return { request: moved(request, input.at, input.changes), events: [{ ...input.event, at: input.at, round: request.round }] };
}

/** Finance pays an approved reimbursement (once: only `approved` may become `paid`). */
export function pay(
  request: ApprovalRequest,
  input: { payer: Actor; amountKrw: number; at: string; batchId: string; comment: string },
): { request: ApprovalRequest; events: HistoryEvent[] } {
  const { payer, amountKrw, at, batchId } = input;
  return lifecycleMove(request, {
    at,
    changes: { status: 'paid', payment: { amountKrw, paidAt: at, paidBy: payer.id, batchId } },
    event: { actorId: payer.id, actorName: payer.name, action: 'paid', channel: 'api', comment: input.comment },
  });
}

/** The due follow-up of an approved request, done as its kind says; what to tell the requester, if anything. */
export function followUp(request: ApprovalRequest, context: { now: Date; policy: KindPolicies }) {
  const done = followedUp(request, context);
  if (!done) return undefined;
  const { outcome } = done;
  const at = context.now.toISOString();
  const events: HistoryEvent[] = outcome.event
    ? [{ at, actorId: 'system', action: outcome.event.action, round: request.round, channel: 'workflow', comment: outcome.event.comment }]
    : [];
  return { request: done.request, events, acted: outcome.acted, notice: outcome.notice };
}

/** The approved request's effect has happened (a transfer is in the directory): recorded, never repeated. */
export async function applyScheduledEffect(
  request: ApprovalRequest,
  context: Parameters<typeof effectApplied>[1],
): Promise<{ request: ApprovalRequest; events: HistoryEvent[] }> {
  const applied = await effectApplied(request, context);
  return {
    request: applied.request,
    events: [{ at: context.at, actorId: 'system', action: 'completed', round: request.round, comment: applied.comment, channel: 'workflow' }],
  };
}

/** The workflow of a decided stage has moved on (or its task is gone): nothing left to tell it. */
export function resumeSettled(request: ApprovalRequest, at: string): { request: ApprovalRequest; events: HistoryEvent[] } {
  return { request: moved(request, at, { resumePending: undefined }), events: [] };
}
