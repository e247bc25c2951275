import { seoulDate } from '../../kernel/seoul-time.js';
import { type ApprovalRequest, destroyedRequestSchema, requestSchema } from '../../requests/kinds/index.js';
import { closedSince } from '../../requests/moves.js';
import { effectDueAt, kindIndexesOf } from '../../requests/per-kind.js';
import { waitingForRequester } from '../../requests/request.js';
import { retentionShard, timerAttributes, timerShards } from './timers.js';
import type { GuardedItem } from './transact.js';

/**
 * A request: `REQUEST#<id>` / `META`, its history beside it in the same partition. Indexed by its
 * own `requesterId` and `createdAt` (`requests-by-requester`), by what its kind indexes it on (a
 * transfer's round: `requests-by-round`) and, while the sweep has something to do for it, on `due-timers`.
 */
export const requestKey = (id: string) => ({ pk: `REQUEST#${id}`, sk: 'META' });

/** How long a decided stage may wait for its workflow to move on before the sweep tells it again. */
const RESUME_GRACE_MS = 5 * 60_000;
/** How long a round in review may wait for its workflow to open its first stage before the sweep starts it. */
const START_GRACE_MS = 5 * 60_000;

/**
 * When the sweep must make sure a round's workflow runs: the request is in review and no stage has
 * been opened yet (every step pending). Normally the workflow opens the first stage within a second
 * and this never comes due; it does when the submitting function died between saving the request
 * and starting the workflow, and the caller never retried.
 */
export function workflowStartDueAt(request: ApprovalRequest): string | undefined {
  if (request.status !== 'in-review' || request.resumePending) return undefined;
  if (!request.steps.every((step) => step.status === 'pending')) return undefined;
  return new Date(Date.parse(request.updatedAt) + START_GRACE_MS).toISOString();
}

/** When the sweep must look at an outstanding 보완 요청: its reminder, then its answer deadline (once the workflow waits for it). */
export function supplementDueAt(request: ApprovalRequest): string | undefined {
  const supplement = request.status === 'supplement-requested' ? request.supplement : undefined;
  if (!supplement?.taskToken) return undefined;
  return supplement.remindAt && !supplement.remindedAt && supplement.remindAt < supplement.answerBy ? supplement.remindAt : supplement.answerBy;
}

/**
 * When a closed request's retention started, for the 파기 sweep: when nothing could follow any more
 * (payment, a final rejection, withdrawal, completion) — not its last change, which a reader's 확인
 * can make years later. Not once destroyed.
 */
export function retentionStart(request: ApprovalRequest): string | undefined {
  return request.destroyed ? undefined : closedSince(request);
}

/**
 * The index attributes a request carries. Its next timer, in this order: a follow-up of its kind,
 * a decided stage whose workflow must still hear of it, a 보완 요청's reminder or deadline, a round
 * whose workflow has not opened a stage, its kind's scheduled effect (a transfer on its effective date),
 * its last change while it waits for its requester, its retention once closed. A Put rewrites the whole
 * item, so a timer that is done drops off by itself.
 */
export function requestIndexAttributes(request: ApprovalRequest): Record<string, string> {
  const timer = request.followUp
    ? timerAttributes(timerShards.followUp, request.followUp.at)
    : request.resumePending
      ? timerAttributes(timerShards.resume, new Date(Date.parse(request.resumePending.since) + RESUME_GRACE_MS).toISOString())
      : supplementDueAt(request)
        ? timerAttributes(timerShards.supplement, supplementDueAt(request))
        : workflowStartDueAt(request)
          ? timerAttributes(timerShards.start, workflowStartDueAt(request))
          : effectDueAt(request)
            ? timerAttributes(timerShards.effect, effectDueAt(request))
            : waitingForRequester(request)
              ? timerAttributes(timerShards.idle, request.updatedAt)
              : timerAttributes(retentionShard(request.kind), retentionStart(request));
  // Audit search: a numbered (finally decided) request sits in its Seoul month, ordered by when.
  const decided: Record<string, string> = request.registration
    ? { decidedMonth: seoulDate(new Date(request.registration.at)).slice(0, 7), decidedKey: `${request.registration.at}#${request.id}` }
    : {};
  return { ...kindIndexesOf(request), ...timer, ...decided };
}

/** Saves the request, new (it must not exist) or over the version the change was made on. */
export function putRequest(tableName: string, request: ApprovalRequest, expectedVersion: number | undefined): GuardedItem {
  return {
    guard: { entity: 'request' },
    item: {
      Put: {
        TableName: tableName,
        Item: { ...requestKey(request.id), ...request, ...requestIndexAttributes(request) },
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
      },
    },
  };
}

/** A stored request. Items saved before a request could hold several ledgers carry one `ledger`: read as a list of one. */
export function readRequest(item: Record<string, unknown>): ApprovalRequest {
  const { ledger, ...rest } = item;
  const stored = ledger !== undefined && rest['ledgers'] === undefined ? { ...rest, ledgers: [ledger] } : rest;
  // After 파기 the personal fields of its details are gone: read with the kind's details made partial.
  return rest['destroyed'] !== undefined ? (destroyedRequestSchema.parse(stored) as ApprovalRequest) : requestSchema.parse(stored);
}
