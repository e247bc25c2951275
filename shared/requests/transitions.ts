import type { ResolvedStep } from '../approvals/approval-line.js';
import { seoulDaysOf } from '../fleet/fleet.js';
import type { CalendarRelease, DecisionOutcome, LedgerChange, RequestChange } from '../ports/ports.js';
import { type ApprovalRequest, type ApprovalStep, type Channel, type Decision, type HistoryEvent, type Snapshot, stageCount } from './request.js';

/**
 * Pure state transitions of a request. Each returns the next state (version + 1) and the
 * history events that record it; the use case saves both in one transaction.
 */
export interface Actor {
  id: string;
  name: string;
}

/** Who holds a step: a person, possibly for someone else (대결). */
export interface Holder {
  id: string;
  name: string;
  position: string;
  actingFor?: { id: string; name: string };
}

export type StageOutcome = DecisionOutcome['outcome'] | 'waiting';

/** The step fields that say who holds it, and for whom (대결). */
const holderFields = (holder: Holder) => ({
  approverId: holder.id,
  approverName: holder.name,
  approverPosition: holder.position,
  actingForId: holder.actingFor?.id,
  actingForName: holder.actingFor?.name,
});

const next = (request: ApprovalRequest, at: string, changes: Partial<ApprovalRequest>): ApprovalRequest => ({
  ...request,
  ...changes,
  updatedAt: at,
  version: request.version + 1,
});

const withParticipants = (participants: string[], ...ids: (string | undefined)[]) => [
  ...new Set([...participants, ...ids.filter((id): id is string => id !== undefined)]),
];

const stepOf = (request: ApprovalRequest, stepIndex: number): ApprovalStep => {
  const step = request.steps[stepIndex];
  if (!step) throw new Error(`request ${request.id} has no step ${stepIndex}`);
  return step;
};

/** Gives back the request's place (and reserved amount) in its ledger: on withdrawal, final rejection or failure. */
export function releaseLedger(request: ApprovalRequest): LedgerChange[] | undefined {
  return request.ledger ? [{ personId: request.requesterId, key: request.ledger.key, remove: { amount: request.ledger.amount } }] : undefined;
}

/**
 * Gives back a vehicle held for the request (withdrawn, returned, rejected, cancelled, failed): its
 * calendar days lose the booking in the same transaction that records why.
 */
export function releaseBooking(request: ApprovalRequest, at: string): { request: ApprovalRequest; release?: CalendarRelease[] } {
  const booking = request.booking;
  if (!booking || booking.releasedAt) return { request };
  return {
    request: { ...request, booking: { ...booking, releasedAt: at }, followUp: undefined },
    release: seoulDaysOf(booking).map((day) => ({ vehicleId: booking.vehicleId, day, requestId: request.id })),
  };
}

/** The steps of a fresh line; what the kind asks its reviewers to confirm goes on each review step. */
export function lineSteps(line: ResolvedStep[], confirmations: string[] = []): ApprovalStep[] {
  return line.map((step, index) => ({
    ...step,
    index,
    status: 'pending',
    ...(step.action === 'review' && confirmations.length > 0 ? { mustConfirm: confirmations.join('; ') } : {}),
  }));
}

/**
 * The rest of a line resolved in parts joins it once its input step is recorded (a repair's
 * 전결 level follows the triage estimate): appended after the steps already there, and recorded.
 */
export function extendLine(request: ApprovalRequest, rest: ResolvedStep[], at: string): { request: ApprovalRequest; events: HistoryEvent[] } {
  if (rest.length === 0) return { request, events: [] };
  const offset = request.steps.length;
  const added = lineSteps(rest).map((step) => ({ ...step, index: step.index + offset }));
  return {
    request: {
      ...request,
      steps: [...request.steps, ...added],
      participants: withParticipants(request.participants, ...rest.map((step) => step.approverId)),
    },
    events: [
      {
        at,
        actorId: 'system',
        action: 'routed',
        round: request.round,
        channel: 'workflow',
        comment: `결재선 확정: ${describeLine(rest)}`,
        rule: rest.at(-1)?.rule,
      },
    ],
  };
}

export function describeLine(line: ResolvedStep[]): string {
  const label = { review: '검토', cooperate: '협조', approve: '결재' } as const;
  const stages = [...new Set(line.map((step) => step.stage))];
  return stages
    .map((stage) =>
      line
        .filter((step) => step.stage === stage)
        .map((step) => `${step.approverName} ${step.approverPosition}(${label[step.action]})`)
        .join(' + '),
    )
    .join(' → ');
}

/** How the current stage stands once its steps have changed. */
function stageOutcome(request: ApprovalRequest, steps: ApprovalStep[]): StageOutcome {
  const stage = steps.filter((step) => step.stage === request.currentStage);
  if (stage.some((step) => step.status === 'rejected' && !step.advisory)) return 'returned';
  const done = (step: ApprovalStep) =>
    step.status === 'approved' || step.status === 'skipped' || (step.advisory === true && step.status === 'rejected');
  if (!stage.every(done)) return 'waiting';
  return request.currentStage === stageCount(request) - 1 ? 'approved' : 'next';
}

/** The current stage's steps reach their holders, each on a fresh link. */
export function openStage(
  request: ApprovalRequest,
  input: { at: string; deadline: string; open: { stepIndex: number; holder: Holder; linkHash: string }[] },
): { request: ApprovalRequest; events: HistoryEvent[] } {
  const byIndex = new Map(input.open.map((entry) => [entry.stepIndex, entry]));
  const steps = request.steps.map((step) => {
    const entry = byIndex.get(step.index);
    if (!entry) return step;
    return {
      ...step,
      status: 'waiting' as const,
      ...holderFields(entry.holder),
      notifiedAt: input.at,
      openLinkHash: entry.linkHash,
    };
  });
  const events: HistoryEvent[] = input.open.map(({ stepIndex, holder }) => ({
    at: input.at,
    actorId: 'system',
    action: 'notified',
    round: request.round,
    stepIndex,
    toId: holder.id,
    actingForId: holder.actingFor?.id,
    actingForName: holder.actingFor?.name,
    comment: holder.actingFor
      ? `${holder.name} ${holder.position}에게 결재 요청 (대결: ${holder.actingFor.name} 부재 중)`
      : `${holder.name} ${holder.position}에게 결재 요청`,
    channel: 'workflow',
  }));
  return {
    request: next(request, input.at, {
      steps,
      stageDeadline: input.deadline,
      resumePending: undefined, // the workflow has moved on to this stage
      participants: withParticipants(request.participants, ...input.open.flatMap(({ holder }) => [holder.id, holder.actingFor?.id])),
    }),
    events,
  };
}

/**
 * A holder decides their step. A rejection returns (or, where the kind says so, finally rejects)
 * the request and cancels the rest of the stage; an approval completes the stage once every
 * parallel step agrees.
 */
export function recordDecision(
  request: ApprovalRequest,
  input: { stepIndex: number; decision: Decision; comment?: string; actor: Actor; at: string; channel: Channel; rejection: 'return' | 'final' },
): { request: ApprovalRequest; events: HistoryEvent[]; outcome: StageOutcome; revokedLinks: string[] } {
  const { stepIndex, decision, comment, actor, at, channel } = input;
  const decided = stepOf(request, stepIndex);
  let steps = request.steps.map((step) =>
    step.index === stepIndex
      ? {
          ...step,
          status: decision === 'approve' ? ('approved' as const) : ('rejected' as const),
          decidedAt: at,
          decidedBy: actor.id,
          comment,
          channel,
          openLinkHash: undefined,
        }
      : step,
  );
  let outcome = stageOutcome(request, steps);
  if (outcome === 'returned' && input.rejection === 'final') outcome = 'rejected';
  // A rejection ends the stage: the parallel steps still waiting are cancelled, their links revoked.
  const revokedLinks: string[] = [];
  if (outcome === 'returned' || outcome === 'rejected') {
    steps = steps.map((step) => {
      if (step.stage !== request.currentStage || step.status !== 'waiting') return step;
      if (step.openLinkHash) revokedLinks.push(step.openLinkHash);
      return { ...step, status: 'cancelled' as const, openLinkHash: undefined };
    });
  }
  const markers = [...(decided.delegatedAuthority ? (['전결'] as const) : []), ...(decided.actingForId ? (['대결'] as const) : [])];
  const event: HistoryEvent = {
    at,
    actorId: actor.id,
    actorName: actor.name,
    actingForId: decided.actingForId,
    actingForName: decided.actingForName,
    action: 'decided',
    round: request.round,
    stepIndex,
    decision,
    markers: markers.length > 0 ? markers : undefined,
    rule: decided.delegatedAuthority,
    comment,
    channel,
  };
  return {
    request: next(request, at, { steps, currentStage: outcome === 'next' ? request.currentStage + 1 : request.currentStage }),
    events: [event],
    outcome,
    revokedLinks,
  };
}

/** §9: a reviewer who is away is skipped, with the reason on record. */
export function skipStep(
  request: ApprovalRequest,
  input: { stepIndex: number; reason: string; actor: Actor; at: string },
): { request: ApprovalRequest; events: HistoryEvent[]; outcome: StageOutcome; revokedLink?: string } {
  const skipped = stepOf(request, input.stepIndex);
  const steps = request.steps.map((step) =>
    step.index === input.stepIndex ? { ...step, status: 'skipped' as const, skipReason: input.reason, openLinkHash: undefined } : step,
  );
  const outcome = skipped.stage === request.currentStage ? stageOutcome(request, steps) : 'waiting';
  return {
    request: next(request, input.at, { steps, currentStage: outcome === 'next' ? request.currentStage + 1 : request.currentStage }),
    events: [
      {
        at: input.at,
        actorId: input.actor.id,
        actorName: input.actor.name,
        action: 'skipped',
        round: request.round,
        stepIndex: input.stepIndex,
        fromId: skipped.approverId,
        comment: `${skipped.approverName} ${skipped.approverPosition} 검토 생략: ${input.reason}`,
        channel: 'api',
      },
    ],
    outcome,
    revokedLink: skipped.openLinkHash,
  };
}

/**
 * A waiting step moves to another holder on a fresh link: a deputy (대결), back from a deputy,
 * the level above (escalation), or the same holder with a new link (a reminder).
 */
export function reassignStep(
  request: ApprovalRequest,
  input: {
    stepIndex: number;
    holder: Holder;
    linkHash: string;
    at: string;
    action: 'rerouted' | 'escalated' | 'reminded';
    reason: string;
    rule?: string;
  },
): { request: ApprovalRequest; events: HistoryEvent[]; revokedLink?: string } {
  const before = stepOf(request, input.stepIndex);
  const { holder } = input;
  const steps = request.steps.map((step) =>
    step.index === input.stepIndex
      ? {
          ...step,
          ...holderFields(holder),
          openLinkHash: input.linkHash,
          ...(input.action === 'reminded' ? { remindedAt: input.at } : { notifiedAt: input.at, remindedAt: undefined }),
          ...(input.action === 'escalated' ? { escalatedAt: input.at, rule: input.rule ?? step.rule } : {}),
        }
      : step,
  );
  return {
    request: next(request, input.at, { steps, participants: withParticipants(request.participants, holder.id, holder.actingFor?.id) }),
    events: [
      {
        at: input.at,
        actorId: 'system',
        action: input.action,
        round: request.round,
        stepIndex: input.stepIndex,
        fromId: before.approverId,
        toId: holder.id,
        actingForId: holder.actingFor?.id,
        actingForName: holder.actingFor?.name,
        rule: input.rule,
        comment: input.reason,
        channel: 'workflow',
      },
    ],
    revokedLink: before.openLinkHash,
  };
}

/** Ends a round: approved, returned (반려), rejected, withdrawn or failed. Open steps are cancelled and their links revoked. */
export function closeRequest(
  request: ApprovalRequest,
  input: {
    status: 'approved' | 'returned' | 'rejected' | 'withdrawn' | 'failed' | 'cancelled';
    at: string;
    actor: Actor;
    comment?: string;
    channel: string;
  },
): { request: ApprovalRequest; events: HistoryEvent[]; revokedLinks: string[] } {
  const { status, at, actor, comment, channel } = input;
  const revokedLinks = request.steps.flatMap((step) => (step.openLinkHash ? [step.openLinkHash] : []));
  const steps = request.steps.map((step) =>
    step.status === 'waiting' || step.status === 'pending' ? { ...step, status: 'cancelled' as const, openLinkHash: undefined } : step,
  );
  return {
    request: next(request, at, { status, steps, stageDeadline: undefined, resumePending: undefined }),
    events: [{ at, actorId: actor.id, actorName: actor.name, action: status, round: request.round, comment, channel }],
    revokedLinks,
  };
}

/**
 * Ends a round that will not be carried out (withdrawn, failed) and gives back all it held: its
 * ledger place and reserved amount, any vehicle, its open links. The whole change, to save at once.
 */
export function endRoundAndRelease(
  request: ApprovalRequest,
  input: { status: 'withdrawn' | 'failed'; at: string; actor: Actor; comment?: string; channel: string },
): RequestChange {
  const closed = closeRequest(request, input);
  const released = releaseBooking(closed.request, input.at);
  return {
    request: released.request,
    expectedVersion: request.version,
    events: closed.events,
    ledgers: releaseLedger(request),
    calendar: released.release ? { release: released.release } : undefined,
    links: closed.revokedLinks.length > 0 ? { revoke: closed.revokedLinks.map((hash) => ({ hash, reason: 'closed' as const })) } : undefined,
  };
}

/** The approved request's effect has happened (a transfer is in the directory): recorded, never repeated. */
export function applyEffect(request: ApprovalRequest, input: { at: string; comment: string }): { request: ApprovalRequest; events: HistoryEvent[] } {
  if (!request.effect) throw new Error(`request ${request.id} has no effect to apply`);
  return {
    request: next(request, input.at, { effect: { ...request.effect, appliedAt: input.at } }),
    events: [{ at: input.at, actorId: 'system', action: 'completed', round: request.round, comment: input.comment, channel: 'workflow' }],
  };
}

const snapshotOf = (request: ApprovalRequest, withSteps: boolean): Snapshot => ({
  round: request.round,
  details: request.details,
  amountRequested: request.amountRequested,
  reimbursableAmount: request.reimbursableAmount,
  capAmount: request.capAmount,
  ...(withSteps ? { steps: request.steps } : {}),
});

/** The requester revises a returned request; what it said before stays in the history. */
export function reviseRequest(
  request: ApprovalRequest,
  input: {
    details: Record<string, unknown>;
    amounts: Pick<ApprovalRequest, 'amountRequested' | 'reimbursableAmount' | 'capAmount'>;
    ledger?: ApprovalRequest['ledger'];
    effect?: ApprovalRequest['effect'];
    /** Who handles it and how fast, as the new content says (a repair moved to another building). */
    routing?: { urgent?: boolean; handlingTeamId?: string };
    at: string;
    actor: Actor;
    comment?: string;
  },
): { request: ApprovalRequest; events: HistoryEvent[] } {
  return {
    request: next(request, input.at, {
      details: input.details,
      ...input.amounts,
      ledger: input.ledger,
      effect: input.effect,
      urgent: input.routing?.urgent ? true : undefined,
      handlingTeamId: input.routing?.handlingTeamId,
    }),
    events: [
      {
        at: input.at,
        actorId: input.actor.id,
        actorName: input.actor.name,
        action: 'revised',
        round: request.round,
        comment: input.comment,
        channel: 'api',
        snapshot: snapshotOf(request, false),
      },
    ],
  };
}

/** A returned request goes through a freshly resolved line again, as a new round. */
export function resubmit(
  request: ApprovalRequest,
  input: { line: ResolvedStep[]; confirmations?: string[]; at: string; actor: Actor; comment?: string },
): { request: ApprovalRequest; events: HistoryEvent[] } {
  const round = request.round + 1;
  return {
    request: next(request, input.at, {
      status: 'in-review',
      round,
      steps: lineSteps(input.line, input.confirmations),
      currentStage: 0,
      stageDeadline: undefined,
      // What the last round's triage and assignment recorded stays in its history; the new round records its own.
      triage: undefined,
      booking: undefined,
      participants: withParticipants(request.participants, ...input.line.map((step) => step.approverId)),
    }),
    events: [
      {
        at: input.at,
        actorId: input.actor.id,
        actorName: input.actor.name,
        action: 'resubmitted',
        round,
        comment: input.comment,
        channel: 'api',
        snapshot: snapshotOf(request, true),
      },
      { at: input.at, actorId: 'system', action: 'routed', round, comment: `결재선: ${describeLine(input.line)}`, channel: 'workflow' },
    ],
  };
}
