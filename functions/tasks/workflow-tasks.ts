import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeWorkflowTasks } from '../../shared/use-cases/workflow-tasks.js';
import { approvalEngineFromEnv } from '../approval-wiring.js';
import { mailerFromEnv } from '../mail-wiring.js';
import { log } from '../observability.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';

/** The workflow steps, wired once; each task function exposes one of them. */
export const workflowTasks = makeWorkflowTasks({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  mailer: mailerFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  engine: approvalEngineFromEnv(),
  log: log.warn,
});
