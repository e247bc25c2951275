import { decisionRecordedPage } from '../../shared/notifications/decision-pages.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { describe } from '../../shared/requests/per-kind.js';
import { makeSubmitDecisionLink } from '../../shared/use-cases/decision-links.js';
import { decideStepFromEnv } from '../approval-wiring.js';
import { requestStoreFromEnv } from '../wiring.js';
import { formBody, html, htmlApi, pathParameter } from './http-api.js';

const submitDecision = makeSubmitDecisionLink({ requests: requestStoreFromEnv(), decideStep: decideStepFromEnv() });

/** POST /decisions/{linkId} — the form's submission decides, exactly once. */
export const handler = htmlApi(async (event) => {
  const { request, decision } = await submitDecision(pathParameter(event, 'linkId'), formBody(event));
  return html(200, decisionRecordedPage({ request, kind: describe(request, officePolicy), decision }));
});
