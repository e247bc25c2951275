import { decisionFormPage } from '../../shared/notifications/decision-pages.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { kindOf } from '../../shared/requests/kinds/index.js';
import { makeDecisionLinks } from '../../shared/use-cases/decision-links.js';
import { stepInputFields } from '../../shared/use-cases/step-inputs.js';
import { makeDispatchHints } from '../../shared/use-cases/vehicle-bookings.js';
import { clockFromEnv, fleetStoreFromEnv, requestStoreFromEnv } from '../wiring.js';
import { html, htmlApi, pathParameter } from './http-api.js';

const decisionLinks = makeDecisionLinks({ requests: requestStoreFromEnv(), clock: clockFromEnv() });
const dispatchHints = makeDispatchHints({ fleet: fleetStoreFromEnv(), policy: officePolicy });

/** GET /decisions/{linkId} — a confirmation page. It changes nothing: mail scanners fetch every link. */
export const handler = htmlApi(async (event) => {
  const linkId = pathParameter(event, 'linkId');
  const { link, request, step } = await decisionLinks.view(linkId);
  return html(
    200,
    decisionFormPage({
      request,
      kind: kindOf(request.kind),
      step,
      action: `./${linkId}`,
      expiresAt: link.expiresAt,
      inputFields: step.input ? stepInputFields(officePolicy)[step.input] : undefined,
      inputHints: step.input === 'vehicle-dispatch' ? await dispatchHints(request) : undefined,
    }),
  );
});
