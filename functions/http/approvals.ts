import { log } from '../../shared/kernel/log.js';
import { makeApprovals } from '../../shared/use-cases/approvals.js';
import { decideStepFromEnv } from '../approval-wiring.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';

/** The approver's API, wired once for the functions that serve it. */
export const approvals = makeApprovals({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  workflows: workflowsFromEnv(),
  clock: clockFromEnv(),
  decideStep: decideStepFromEnv(),
  log: log.warn,
});
