import type { DecisionOutcome } from '../ports/ports.js';
import type { ApprovalRequest, Decision, HistoryEvent, RequestStatus } from './request.js';

/**
 * Pure state transitions of a request. Each returns the next state (version + 1) and the
 * history event that records it; the use case saves both in one transaction.
 */
interface Actor {
  id: string;
  name: string;
  actingForId?: string;
}

const next = (request: ApprovalRequest, at: string, changes: Partial<ApprovalRequest>): ApprovalRequest => ({
  ...request,
  ...changes,
  updatedAt: at,
  version: request.version + 1,
});

export function recordDecision(
  request: ApprovalRequest,
  input: { stepIndex: number; decision: Decision; comment?: string; actor: Actor; at: string; channel: 'email-link' | 'api' },
): { request: ApprovalRequest; event: HistoryEvent; outcome: DecisionOutcome } {
  const { stepIndex, decision, comment, actor, at, channel } = input;
  const steps = request.steps.map((step) =>
    step.index === stepIndex
      ? {
          ...step,
          status: decision === 'approve' ? ('approved' as const) : ('rejected' as const),
          decidedAt: at,
          decidedBy: actor.id,
          actingFor: actor.actingForId,
          comment,
          channel,
          openLinkHash: undefined,
        }
      : step,
  );
  const isLast = stepIndex === request.steps.length - 1;
  const outcome: DecisionOutcome['outcome'] = decision === 'reject' ? 'rejected' : isLast ? 'approved' : 'next';
  return {
    request: next(request, at, { steps, currentStep: outcome === 'next' ? stepIndex + 1 : stepIndex }),
    event: { at, actorId: actor.id, actorName: actor.name, actingForId: actor.actingForId, action: 'decided', stepIndex, decision, comment, channel },
    outcome: { outcome },
  };
}

/** Ends a request (approved, rejected, withdrawn, failed); an open step is cancelled. */
export function closeRequest(
  request: ApprovalRequest,
  input: { status: Exclude<RequestStatus, 'in-review'>; at: string; actor: Actor; comment?: string; channel: string },
): { request: ApprovalRequest; event: HistoryEvent; revokedLinks: string[] } {
  const { status, at, actor, comment, channel } = input;
  const revokedLinks = request.steps.flatMap((step) => (step.openLinkHash ? [step.openLinkHash] : []));
  const steps = request.steps.map((step) =>
    step.status === 'waiting' || step.status === 'pending' ? { ...step, status: 'cancelled' as const, openLinkHash: undefined } : step,
  );
  return {
    request: next(request, at, { status, steps }),
    event: { at, actorId: actor.id, actorName: actor.name, action: status, comment, channel },
    revokedLinks,
  };
}

/** The current step now waits on a fresh link. */
export function openStep(request: ApprovalRequest, input: { linkHash: string; at: string }): { request: ApprovalRequest; event: HistoryEvent } {
  const step = request.steps[request.currentStep];
  if (!step) throw new Error(`request ${request.id} has no step ${request.currentStep}`);
  const steps = request.steps.map((candidate) =>
    candidate.index === step.index ? { ...candidate, status: 'waiting' as const, notifiedAt: input.at, openLinkHash: input.linkHash } : candidate,
  );
  return {
    request: next(request, input.at, { steps }),
    event: {
      at: input.at,
      actorId: 'system',
      action: 'notified',
      stepIndex: step.index,
      comment: `${step.approverName} ${step.approverPosition}에게 결재 요청 메일 발송`,
      channel: 'workflow',
    },
  };
}
