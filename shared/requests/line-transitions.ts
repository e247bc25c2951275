import type { ResolvedStep } from '../approvals/approval-line.js';
import type { DecisionOutcome } from '../ports/workflows.js';
import type { HistoryEvent } from './history.js';
import type { ApprovalRequest } from './kinds/index.js';
import { moved } from './moves.js';
import { type ApprovalStep, type Channel, type Decision, stageCount } from './request.js';

/**
 * Transitions of a request on its approval line: a stage opening, a decision, a skipped review, a
 * step moving to another holder. Each returns the next state (through `moved`: version + 1) and the
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

export const withParticipants = (participants: string[], ...ids: (string | undefined)[]) => [
  ...new Set([...participants, ...ids.filter((id): id is string => id !== undefined)]),
];

const stepOf = (request: ApprovalRequest, stepIndex: number): ApprovalStep => {
  const step = request.steps[stepIndex];
  if (!step) throw new Error(`request ${request.id} has no step ${stepIndex}`);
  return step;
};

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
    request: moved(request, input.at, {
      steps,
      stageDeadline: input.deadline,
      resumePending: undefined, // the workflow has moved on to this stage
      reopened: undefined, // its holders are told why with their links
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
    request: moved(request, at, { steps, currentStage: outcome === 'next' ? request.currentStage + 1 : request.currentStage }),
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
    request: moved(request, input.at, { steps, currentStage: outcome === 'next' ? request.currentStage + 1 : request.currentStage }),
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
    action: 'rerouted' | 'escalated' | 'reminded' | 'reassigned';
    reason: string;
    rule?: string;
    /** Who moved it (지정 by its holder) and how; the workflow's own moves are the system's. */
    actor?: { id: string; name: string; channel: string };
  },
): { request: ApprovalRequest; events: HistoryEvent[]; revokedLink?: string } {
  const before = stepOf(request, input.stepIndex);
  const { holder } = input;
  // Who acted, for whom (§22): a 지정 is its holder's act, for the approver they hold the step for
  // under 대결; the workflow's own moves act for no one, and their events name (as `notified` does)
  // whom the new holder decides for.
  const actingFor = input.actor ? { id: before.actingForId, name: before.actingForName } : holder.actingFor;
  const handedToDeputy = input.actor && holder.actingFor ? ` (${holder.actingFor.name} 부재 중: ${holder.name} 대결)` : '';
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
    request: moved(request, input.at, { steps, participants: withParticipants(request.participants, holder.id, holder.actingFor?.id) }),
    events: [
      {
        at: input.at,
        actorId: input.actor?.id ?? 'system',
        ...(input.actor ? { actorName: input.actor.name } : {}),
        action: input.action,
        round: request.round,
        stepIndex: input.stepIndex,
        fromId: before.approverId,
        toId: holder.id,
        actingForId: actingFor?.id,
        actingForName: actingFor?.name,
        rule: input.rule,
        comment: `${input.reason}${handedToDeputy}`,
        channel: input.actor?.channel ?? 'workflow',
      },
    ],
    revokedLink: before.openLinkHash,
  };
}

/** What a 보완 요청 records: who asked (and for whom), what, and the requester's timers. */
export interface SupplementAsk {
  stepIndex: number;
  actor: Actor;
  comment: string;
  documentTypes?: string[];
  at: string;
  channel: Channel;
  /** The stage's task token: the workflow is told to wait for the answer. */
  taskToken: string;
  answerBy: string;
  remindAt?: string;
}

/**
 * 보완 요청: the request waits for its requester. Every waiting step of the stage keeps its holder
 * but loses its link (nobody decides on content about to change); the stage deadline pauses (what
 * is left of it is kept); the workflow is told to wait for the answer (`resumePending`, as a decision would).
 */
export function requestSupplement(
  request: ApprovalRequest,
  input: SupplementAsk,
): { request: ApprovalRequest; events: HistoryEvent[]; revokedLinks: string[] } {
  const step = stepOf(request, input.stepIndex);
  const revokedLinks = request.steps.flatMap((candidate) =>
    candidate.stage === request.currentStage && candidate.status === 'waiting' && candidate.openLinkHash ? [candidate.openLinkHash] : [],
  );
  const steps = request.steps.map((candidate) =>
    revokedLinks.includes(candidate.openLinkHash ?? '') ? { ...candidate, openLinkHash: undefined } : candidate,
  );
  const remaining = request.stageDeadline ? Math.max(0, Date.parse(request.stageDeadline) - Date.parse(input.at)) : 0;
  return {
    request: moved(request, input.at, {
      status: 'supplement-requested',
      steps,
      supplement: {
        stepIndex: step.index,
        requestedAt: input.at,
        requestedBy: input.actor.id,
        requestedByName: input.actor.name,
        actingForId: step.actingForId,
        comment: input.comment,
        ...(input.documentTypes?.length ? { documentTypes: input.documentTypes } : {}),
        answerBy: input.answerBy,
        remindAt: input.remindAt,
        stageRemainingMs: remaining,
      },
      stageDeadline: undefined,
      resumePending: { taskToken: input.taskToken, outcome: 'supplement', since: input.at },
    }),
    events: [
      {
        at: input.at,
        actorId: input.actor.id,
        actorName: input.actor.name,
        actingForId: step.actingForId,
        actingForName: step.actingForName,
        action: 'supplement-requested',
        round: request.round,
        stepIndex: step.index,
        comment: input.comment,
        ...(input.documentTypes?.length ? { input: { documentTypes: input.documentTypes } } : {}),
        channel: input.channel,
      },
    ],
    revokedLinks,
  };
}

/** The workflow waits for the answer on `taskToken`: the request keeps it (the answer or the expiry completes it). */
export function awaitingSupplement(request: ApprovalRequest, input: { taskToken: string; at: string }): ApprovalRequest {
  if (!request.supplement) throw new Error(`request ${request.id} has no supplement outstanding`);
  return moved(request, input.at, { supplement: { ...request.supplement, taskToken: input.taskToken }, resumePending: undefined });
}

/** The requester was reminded of an unanswered 보완 요청 (once). */
export function supplementReminded(request: ApprovalRequest, at: string): { request: ApprovalRequest; events: HistoryEvent[] } {
  if (!request.supplement) throw new Error(`request ${request.id} has no supplement outstanding`);
  return {
    request: moved(request, at, { supplement: { ...request.supplement, remindedAt: at } }),
    events: [{ at, actorId: 'system', action: 'supplement-reminded', round: request.round, toId: request.requesterId, channel: 'workflow' }],
  };
}

/** The answer period ended: the workflow is told to return the request (its Finalize says why). */
export function supplementExpired(request: ApprovalRequest, at: string): ApprovalRequest {
  const token = request.supplement?.taskToken;
  if (!token) throw new Error(`request ${request.id} is not waiting for a supplement`);
  return moved(request, at, { resumePending: { taskToken: token, outcome: 'returned', since: at } });
}

/**
 * The requester answered: the request is in review again on the same stage (no new round; the
 * round's decisions stand), with what was left of the stage's time, and the workflow is told to
 * open the stage again (each waiting step's holder gets a fresh link). `revised` is the content as
 * the answer left it (the same as before when only documents came); the previous content is in the event.
 */
export function supplementAnswered(
  request: ApprovalRequest,
  input: { revised: ApprovalRequest; at: string; actor: Actor; comment: string; added: { id: string; documentType: string }[] },
): { request: ApprovalRequest; events: HistoryEvent[] } {
  const supplement = request.supplement;
  if (!supplement?.taskToken) throw new Error(`request ${request.id} is not waiting for a supplement`);
  return {
    request: moved(request, input.at, {
      ...input.revised,
      status: 'in-review',
      supplement: undefined,
      stageDeadline: new Date(Date.parse(input.at) + supplement.stageRemainingMs).toISOString(),
      resumePending: { taskToken: supplement.taskToken, outcome: 'next', since: input.at },
      reopened: { occasion: 'supplemented', byName: input.actor.name, note: input.comment },
    }),
    events: [
      {
        at: input.at,
        actorId: input.actor.id,
        actorName: input.actor.name,
        action: 'supplemented',
        round: request.round,
        stepIndex: supplement.stepIndex,
        comment: input.comment,
        channel: 'api',
        snapshot: {
          round: request.round,
          details: request.details,
          amountRequested: request.amountRequested,
          reimbursableAmount: request.reimbursableAmount,
          capAmount: request.capAmount,
        },
        ...(input.added.length
          ? { documents: input.added.map((attachment) => ({ attachmentId: attachment.id, documentType: attachment.documentType })) }
          : {}),
      },
    ],
  };
}

/**
 * 전단계 반려: the holder of a step sends the request back to the stage before. That stage's
 * decisions reopen (its approvals go back to pending; a skipped review stays skipped), and the
 * current stage waits behind it again: its open links die and its steps go back to pending. The
 * workflow opens the previous stage again (`resumePending` 'next' with `currentStage` moved back).
 */
export function returnToPrevious(
  request: ApprovalRequest,
  input: { stepIndex: number; toStage: number; actor: Actor; comment: string; at: string; channel: Channel; taskToken: string },
): { request: ApprovalRequest; events: HistoryEvent[]; revokedLinks: string[] } {
  const step = stepOf(request, input.stepIndex);
  const revokedLinks: string[] = [];
  const reopen = (candidate: ApprovalStep): ApprovalStep => {
    if (candidate.openLinkHash) revokedLinks.push(candidate.openLinkHash);
    return {
      ...candidate,
      status: 'pending',
      openLinkHash: undefined,
      decidedAt: undefined,
      decidedBy: undefined,
      comment: undefined,
      channel: undefined,
      notifiedAt: undefined,
      remindedAt: undefined,
    };
  };
  const steps = request.steps.map((candidate) => {
    if (candidate.stage === input.toStage && candidate.status === 'approved') return reopen(candidate);
    if (candidate.stage === request.currentStage && candidate.status !== 'skipped') return reopen(candidate);
    return candidate;
  });
  return {
    request: moved(request, input.at, {
      steps,
      currentStage: input.toStage,
      stageDeadline: undefined,
      reopened: { occasion: 'returned-to-previous', byName: input.actor.name, note: input.comment },
      resumePending: { taskToken: input.taskToken, outcome: 'next', since: input.at },
    }),
    events: [
      {
        at: input.at,
        actorId: input.actor.id,
        actorName: input.actor.name,
        actingForId: step.actingForId,
        actingForName: step.actingForName,
        action: 'returned-to-previous',
        round: request.round,
        stepIndex: step.index,
        comment: input.comment,
        channel: input.channel,
        toId: request.steps.find((candidate) => candidate.stage === input.toStage && candidate.status === 'approved')?.approverId,
      },
    ],
    revokedLinks,
  };
}
