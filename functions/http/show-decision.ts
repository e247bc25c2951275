import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeDecisionLinks } from '../../shared/use-cases/decision-links.js';
import { makeDecisionPage } from '../../shared/use-cases/decision-page.js';
import { clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv } from '../wiring.js';
import { showDecision as operation } from './contract/operations.js';
import { html, htmlApi } from './http-api.js';

const requests = requestStoreFromEnv();
const decisionLinks = makeDecisionLinks({ requests, clock: clockFromEnv() });
const decisionPage = makeDecisionPage({ requests, directory: directoryFromEnv(), policy: officePolicy, fleet: fleetStoreFromEnv() });

/** GET /decisions/{linkId} — a confirmation page. It changes nothing: mail scanners fetch every link. */
export const handler = htmlApi(operation, async (_event, { params }) =>
  html(200, await decisionPage(await decisionLinks.view(params.linkId), params.linkId)),
);
