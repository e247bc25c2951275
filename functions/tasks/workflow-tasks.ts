import { randomIds, systemClock } from '../../shared/adapters/system.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeWorkflowTasks } from '../../shared/use-cases/workflow-tasks.js';
import { mailerFromEnv } from '../mail-wiring.js';
import { directoryFromEnv, publicBaseUrlFromEnv, requestStoreFromEnv } from '../wiring.js';

/** The workflow steps, wired once; each task function exposes one of them. */
export const workflowTasks = makeWorkflowTasks({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  mailer: mailerFromEnv(),
  clock: systemClock,
  ids: randomIds,
  policy: officePolicy,
  publicBaseUrl: publicBaseUrlFromEnv(),
});
