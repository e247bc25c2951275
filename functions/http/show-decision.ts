import { decisionFormPage } from '../../shared/notifications/decision-pages.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { describe, inputFormOf } from '../../shared/requests/per-kind.js';
import { makeDecisionLinks } from '../../shared/use-cases/decision-links.js';
import { clockFromEnv, fleetStoreFromEnv, requestStoreFromEnv } from '../wiring.js';
import { showDecision as operation } from './contract/operations.js';
import { html, htmlApi } from './http-api.js';

const decisionLinks = makeDecisionLinks({ requests: requestStoreFromEnv(), clock: clockFromEnv() });
const fleet = fleetStoreFromEnv();

/** GET /decisions/{linkId} — a confirmation page. It changes nothing: mail scanners fetch every link. */
export const handler = htmlApi(operation, async (_event, { params }) => {
  const { linkId } = params;
  const { link, request, step } = await decisionLinks.view(linkId);
  // An input step's fields (a triage estimate, a vehicle) and what helps fill them in (the free vehicles now).
  const form = step.input ? await inputFormOf(request, step.input, { policy: officePolicy, fleet }) : undefined;
  return html(
    200,
    decisionFormPage({
      request,
      kind: describe(request, officePolicy),
      step,
      action: `./${linkId}`,
      expiresAt: link.expiresAt,
      inputFields: form?.fields,
      inputHints: form?.hints,
    }),
  );
});
