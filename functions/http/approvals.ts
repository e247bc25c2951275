import { makeApprovals } from '../../shared/use-cases/approvals.js';
import type { DecideStep } from '../../shared/use-cases/decide-step.js';
import { decideStepFromEnv } from '../approval-wiring.js';
import { log } from '../observability.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv, workflowsFromEnv } from '../wiring.js';

/** The approver's API, wired for the functions that serve it (deciding with files needs the documents' wiring too). */
export const approvalsFromEnv = (decideStep: DecideStep = decideStepFromEnv()) =>
  makeApprovals({
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    workflows: workflowsFromEnv(),
    clock: clockFromEnv(),
    decideStep,
    log: log.warn,
  });
