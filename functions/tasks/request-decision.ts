import { requestDecisionInput } from '../../shared/use-cases/workflow-tasks.js';
import { workflowTask } from '../observability.js';
import { workflowTasks } from './workflow-tasks.js';

/** Approval step (`.waitForTaskToken`): link + email to the current approver. Throws; the state machine retries/catches. */
export const handler = workflowTask(async (event): Promise<void> => workflowTasks.requestDecision(requestDecisionInput.parse(event)));
