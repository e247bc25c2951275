import { decisionRecordedPage } from '../../shared/notifications/decision-pages.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { describe } from '../../shared/requests/per-kind.js';
import { makeSubmitDecisionLink } from '../../shared/use-cases/decision-links.js';
import { decideStepFromEnv } from '../approval-wiring.js';
import { requestStoreFromEnv } from '../wiring.js';
import { submitDecision as operation } from './contract/operations.js';
import { formBody, html, htmlApi } from './http-api.js';

const submitDecision = makeSubmitDecisionLink({ requests: requestStoreFromEnv(), decideStep: decideStepFromEnv() });

/** POST /decisions/{linkId} — the form's submission decides, exactly once. */
export const handler = htmlApi(operation, async (event, { params }) => {
  const { request, decision } = await submitDecision(params.linkId, formBody(event));
  return html(200, decisionRecordedPage({ request, kind: describe(request, officePolicy), decision }));
});
