import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeReviseRequest } from '../../shared/use-cases/revise-request.js';
import { clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';

/** 반려 → 보완 → 재상신, wired once for the revise and resubmit functions. */
export const revisions = makeReviseRequest({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  workflows: workflowsFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  fleet: fleetStoreFromEnv(),
});
