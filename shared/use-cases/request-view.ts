import { documentLabel } from '../documents/document-labels.js';
import type { HistoryEvent } from '../requests/history.js';
import { type ApprovalRequest, kindById } from '../requests/kinds/index.js';
import { stepWithoutWords } from '../requests/request.js';

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

/** What stands in for content withheld from a reader (an auditor without a stated purpose). */
export const WITHHELD = { withheld: true as const, reason: '건강 정보: 열람 목적(purpose)을 밝히면 볼 수 있습니다' };

/** Who stands in for a health kind's requester before an auditor without a stated purpose: that a named person claimed is health data too. */
export const WITHHELD_PERSON = { id: '(비공개)', name: '(건강 정보: 비공개)' } as const;

/**
 * An event without the words people wrote (they may be about someone's health), or what a snapshot
 * held: its content, and the comments and skip reasons of the earlier round's steps it keeps. The
 * requester's own events (`requesterId`) do not name them.
 */
export function withheldEvent(event: HistoryEvent, requesterId?: string): HistoryEvent {
  const { comment: _comment, snapshot, input: _input, ...said } = event;
  const rest =
    requesterId !== undefined && said.actorId === requesterId ? { ...said, actorId: WITHHELD_PERSON.id, actorName: WITHHELD_PERSON.name } : said;
  if (!snapshot) return rest;
  const { steps, ...content } = snapshot;
  return { ...rest, snapshot: { ...content, details: WITHHELD, ...(steps ? { steps: steps.map(stepWithoutWords) } : {}) } };
}

/**
 * A health kind's request as an auditor without a stated purpose sees it: its record (who decided
 * what, when, as whom) without its content — the details, the documents' names, the words in its
 * steps and history (an earlier round's too), what a 보완 요청 asked or its answer said — and
 * without naming its requester (as the audit search does not).
 */
export type WithheldRequestView = Omit<RequestView, 'details'> & { details: typeof WITHHELD };
/** A request as the API may show it: whole, or with a health kind's content withheld. */
export type ShownRequest = RequestView | WithheldRequestView;

export function withheld(view: RequestView): WithheldRequestView {
  const { supplement, ...rest } = view;
  return {
    ...rest,
    requesterId: WITHHELD_PERSON.id,
    requesterName: WITHHELD_PERSON.name,
    participants: view.participants.map((id) => (id === view.requesterId ? WITHHELD_PERSON.id : id)),
    details: WITHHELD,
    ...(supplement ? { supplement: { ...supplement, comment: WITHHELD.reason } } : {}),
    ...(view.attachments
      ? {
          attachments: view.attachments.map((attachment) => ({
            ...attachment,
            fileName: '(비공개)',
            ...(attachment.uploadedBy === view.requesterId ? { uploadedBy: WITHHELD_PERSON.id, uploadedByName: WITHHELD_PERSON.name } : {}),
          })),
        }
      : {}),
    ...(view.reopened ? { reopened: { ...view.reopened, note: WITHHELD.reason } } : {}),
    steps: view.steps.map(stepWithoutWords),
    ...(view.history ? { history: view.history.map((event) => withheldEvent(event, view.requesterId)) } : {}),
  };
}
