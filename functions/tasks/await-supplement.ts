import { requestDecisionInput } from '../../shared/use-cases/workflow-tasks.js';
import { workflowTask } from '../observability.js';
import { workflowTasks } from './workflow-tasks.js';

/** 보완 요청 (`.waitForTaskToken`): the request keeps the token its answer or expiry completes. Throws; the state machine retries/catches. */
export const handler = workflowTask(async (event): Promise<void> => workflowTasks.awaitSupplement(requestDecisionInput.parse(event)));
