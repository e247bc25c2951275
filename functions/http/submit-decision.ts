import { ValidationError } from '../../shared/kernel/errors.js';
import { decisionFormPage, decisionRecordedPage } from '../../shared/notifications/decision-pages.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { describe, inputFormOf } from '../../shared/requests/per-kind.js';
import { makeDecisionLinks, makeSubmitDecisionLink } from '../../shared/use-cases/decision-links.js';
import { decideStepFromEnv } from '../approval-wiring.js';
import { clockFromEnv, fleetStoreFromEnv, requestStoreFromEnv } from '../wiring.js';
import { submitDecision as operation } from './contract/operations.js';
import { formBody, html, htmlApi } from './http-api.js';

const requests = requestStoreFromEnv();
const submitDecision = makeSubmitDecisionLink({ requests, decideStep: decideStepFromEnv() });
const decisionLinks = makeDecisionLinks({ requests, clock: clockFromEnv() });
const fleet = fleetStoreFromEnv();

/**
 * POST /decisions/{linkId} — the form's submission decides, exactly once. A decision that is not
 * complete (a rejection without a reason, a required triage field empty) gets the form back with
 * what is wrong and everything the approver typed, so they fix it in place; the link stays open.
 */
export const handler = htmlApi(operation, async (event, { params }) => {
  const form = formBody(event);
  try {
    const { request, decision } = await submitDecision(params.linkId, form);
    return html(200, decisionRecordedPage({ request, kind: describe(request, officePolicy), decision }));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const { link, request, step } = await decisionLinks.view(params.linkId); // a used or expired link answers as such
    const inputForm = step.input ? await inputFormOf(request, step.input, { policy: officePolicy, fleet }) : undefined;
    const page = decisionFormPage({
      request,
      kind: describe(request, officePolicy),
      step,
      action: `./${params.linkId}`,
      expiresAt: link.expiresAt,
      inputFields: inputForm?.fields,
      inputHints: inputForm?.hints,
      error: error.issues.length > 0 ? error.issues.map((issue) => issue.message).join(' ') : error.message,
      values: typeof form === 'object' && form !== null ? (form as Record<string, unknown>) : {},
    });
    return html(400, page);
  }
});
