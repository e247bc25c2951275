import type { Directory } from '../directory/directory.js';
import { decisionFormPage } from '../notifications/decision-pages.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { FleetStore } from '../ports/fleet-store.js';
import type { RequestStore } from '../ports/request-store.js';
import { describe, inputFormOf } from '../requests/per-kind.js';
import type { OpenStep } from './decide-step.js';
import { reassignCandidates } from './reassign-step.js';
import { previousStageOf } from './return-to-previous.js';

/**
 * The decision page of an open link: the request, and what its holder can do — decide (with the
 * step's input fields), or ask for a supplement (the kind's documents to tick), send it back a
 * stage (when there is one to reopen), hand it to a colleague (for a review or input step), or comment.
 * The latest 보완 answer or 전단계 반려 of the round is shown with its words: the email leaves
 * them out for health kinds, and the page is where the holder reads the request.
 */
export function makeDecisionPage(deps: { requests: RequestStore; directory: Directory; policy: OfficePolicy; fleet: FleetStore }) {
  const { requests, directory, policy, fleet } = deps;
  return async function decisionPage(opened: OpenStep, linkId: string, shown: { error?: string; values?: Record<string, unknown> } = {}) {
    const { link, request, step } = opened;
    const form = step.input ? await inputFormOf(request, step.input, { policy, fleet }) : undefined;
    const history = await requests.history(request.id);
    const reopened = history
      .filter((event) => event.round === request.round && (event.action === 'supplemented' || event.action === 'returned-to-previous'))
      .at(-1);
    const types = Object.entries(kindPolicyFor(policy, request.kind).documents.types).filter(([, type]) => !type.attachedAt);
    return decisionFormPage({
      request,
      kind: describe(request, policy),
      step,
      action: `./${linkId}`,
      expiresAt: link.expiresAt,
      inputFields: form?.fields,
      inputHints: form?.hints,
      reopened: reopened && { action: reopened.action, at: reopened.at, byName: reopened.actorName ?? reopened.actorId, comment: reopened.comment },
      alternatives: {
        supplementTypes: types.map(([id, type]) => ({ id, label: type.label })),
        returnToPrevious: 'stage' in previousStageOf(request, step.stage),
        reassignTo: await reassignCandidates({ directory, policy }, request, step),
      },
      ...shown,
    });
  };
}
