import { documentLabel } from '../documents/document-labels.js';
import type { HistoryEvent } from '../requests/history.js';
import { type ApprovalRequest, kindById } from '../requests/kinds/index.js';

/** What the API shows of a request: everything but internal bookkeeping (link hashes, ledger keys, task tokens — a 보완 요청's too). */
export function requestView(request: ApprovalRequest, history?: HistoryEvent[]) {
  const { ledgers: _ledgers, resumePending: _resume, supplement, ...visible } = request;
  const { taskToken: _token, ...asked } = supplement ?? {};
  return {
    ...visible,
    ...(supplement ? { supplement: asked } : {}),
    kindLabel: kindById(request.kind).label,
    ...(request.attachments
      ? {
          attachments: request.attachments.map((attachment) => ({
            ...attachment,
            documentLabel: documentLabel(request.kind, attachment.documentType),
          })),
        }
      : {}),
    steps: request.steps.map(({ openLinkHash: _hash, ...step }) => step),
    ...(history ? { history } : {}),
  };
}

export type RequestView = ReturnType<typeof requestView>;
