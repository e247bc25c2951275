import { failureInput } from '../../shared/use-cases/workflow-tasks.js';
import { workflowTask } from '../observability.js';
import { workflowTasks } from './workflow-tasks.js';

/** The Catch target: the request fails visibly, with the reason in its history. */
export const handler = workflowTask(async (event): Promise<void> => workflowTasks.recordFailure(failureInput.parse(event)));
