import { systemClock } from '../../shared/adapters/system.js';
import { makeDecisionLinks } from '../../shared/use-cases/decision-links.js';
import { directoryFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';

/** The decision-link use cases, wired once for both the GET and the POST function. */
export const decisionLinks = makeDecisionLinks({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  workflows: workflowsFromEnv(),
  clock: systemClock,
});
