import { finalizeInput } from '../../shared/use-cases/workflow-tasks.js';
import { workflowTask } from '../observability.js';
import { workflowTasks } from './workflow-tasks.js';

/** Final status and the requester's email. Throws; the state machine retries/catches. */
export const handler = workflowTask(async (event): Promise<void> => workflowTasks.finalize(finalizeInput.parse(event)));
