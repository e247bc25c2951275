import { kindOf } from '../requests/kinds/index.js';
import type { ApprovalRequest, HistoryEvent } from '../requests/request.js';

/** What the API shows of a request: everything but internal bookkeeping (link hashes, ledger keys). */
export function requestView(request: ApprovalRequest, history?: HistoryEvent[]) {
  const { ledger: _ledger, resumePending: _resume, ...visible } = request;
  return {
    ...visible,
    kindLabel: kindOf(request.kind).label,
    steps: request.steps.map(({ openLinkHash: _hash, ...step }) => step),
    ...(history ? { history } : {}),
  };
}

export type RequestView = ReturnType<typeof requestView>;
