import { InvalidStateError } from '../kernel/errors.js';
import { kindById, statusLabel } from './kinds/index.js';
import type { ApprovalStatus, BaseRequest } from './request.js';

/**
 * The one door every change of a request goes through: it checks, per kind, that the new status
 * may follow the old one, and always bumps `version` and sets `updatedAt`. The transitions
 * (line-, round- and lifecycle-transitions.ts) build on it; nothing else writes a request's status.
 */

/** Which status may follow which in every kind's approval; a kind adds its life after approval. */
const approvalMoves: Record<ApprovalStatus, readonly string[]> = {
  'in-review': ['approved', 'returned', 'recalled', 'rejected', 'withdrawn', 'failed', 'supplement-requested'],
  'supplement-requested': ['in-review', 'returned', 'withdrawn', 'failed'],
  returned: ['in-review', 'withdrawn'],
  recalled: ['in-review', 'withdrawn'],
  approved: [],
  rejected: [],
  withdrawn: [],
  failed: [],
};

/** A status nothing follows in the kind's table: the request is closed for good (paid, rejected, withdrawn, completed…). */
export function isTerminal(kind: string, status: string): boolean {
  const kindMoves: Record<string, readonly string[] | undefined> = kindById(kind).lifecycle?.moves ?? {};
  const approval: Record<string, readonly string[] | undefined> = approvalMoves;
  return (approval[status] ?? []).length === 0 && (kindMoves[status] ?? []).length === 0;
}

/** A status change the kind's table does not allow: a bug or a race, refused with what was asked. */
export class IllegalMoveError extends InvalidStateError {}

/** Whether a request of `kind` may go from `from` to `to`. */
export function canMove(kind: string, from: string, to: string): boolean {
  const lifecycle = kindById(kind).lifecycle;
  const kindMoves: Record<string, readonly string[] | undefined> = lifecycle?.moves ?? {};
  const approval: Record<string, readonly string[] | undefined> = approvalMoves;
  return [...(approval[from] ?? []), ...(kindMoves[from] ?? [])].includes(to);
}

/**
 * When a closed request closed: its `closedAt`, or — stored before that was recorded — its last
 * change. Undefined while something can still follow its status.
 */
export function closedSince(request: BaseRequest): string | undefined {
  return isTerminal(request.kind, request.status) ? (request.closedAt ?? request.updatedAt) : undefined;
}

/**
 * The next version of `request` with `changes`: the status move checked, the version bumped,
 * `updatedAt` set, and `closedAt` once it reaches a status nothing follows (a closed request stored
 * without one keeps the last change before this as its closing: the best that is known).
 */
export function moved<R extends BaseRequest>(request: R, at: string, changes: Partial<R>): R {
  const to = changes.status;
  if (to !== undefined && to !== request.status && !canMove(request.kind, request.status, to)) {
    throw new IllegalMoveError(`'${statusLabel(request.status)}' 상태의 요청은 '${statusLabel(to)}'(으)로 바꿀 수 없습니다.`);
  }
  const closedAt = to !== undefined && to !== request.status && isTerminal(request.kind, to) ? at : closedSince(request);
  return { ...request, ...changes, ...(closedAt ? { closedAt } : {}), updatedAt: at, version: request.version + 1 };
}
