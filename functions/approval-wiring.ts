import { randomIds } from '../shared/adapters/system.js';
import { koreanHolidays } from '../shared/calendar/korean-holidays.js';
import { officePolicy } from '../shared/policies/office-policy.js';
import { type ApprovalEngine, makeApprovalEngine } from '../shared/use-cases/approval-engine.js';
import { type DecideStep, type DecideStepDeps, makeDecideStep } from '../shared/use-cases/decide-step.js';
import { type Delegations, makeDelegations } from '../shared/use-cases/delegations.js';
import { makeReturnToPrevious, type ReturnToPrevious } from '../shared/use-cases/return-to-previous.js';
import { makeSupplementRequest, type SupplementRequest } from '../shared/use-cases/supplement.js';
import { chatFromEnv } from './chat-wiring.js';
import { mailerFromEnv } from './mail-wiring.js';
import { log } from './observability.js';
import {
  clockFromEnv,
  delegationStoreFromEnv,
  directoryFromEnv,
  fleetStoreFromEnv,
  publicBaseUrlFromEnv,
  requestStoreFromEnv,
  workflowsFromEnv,
} from './wiring.js';

/**
 * The approval engine's pieces, built from the environment once per function (at module scope of
 * the handler that needs them). Kept apart from wiring.ts because they send mail.
 */
export function approvalEngineFromEnv(): ApprovalEngine {
  return makeApprovalEngine({
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    delegations: delegationStoreFromEnv(),
    mailer: mailerFromEnv(),
    clock: clockFromEnv(),
    ids: randomIds,
    policy: officePolicy,
    holidays: koreanHolidays,
    publicBaseUrl: publicBaseUrlFromEnv(),
    chat: chatFromEnv(),
    log: log.warn,
  });
}

/**
 * `interactive`: called inside Slack's 3-second acknowledgement (see chatFromEnv). `documents`: this
 * channel takes files with a step's input (the API; the link page and Slack do not).
 */
export function decideStepFromEnv(options: { interactive?: boolean; documents?: DecideStepDeps['documents'] } = {}): DecideStep {
  const clock = clockFromEnv();
  return makeDecideStep({
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    workflows: workflowsFromEnv(),
    mailer: mailerFromEnv(),
    chat: chatFromEnv(options),
    clock,
    policy: officePolicy,
    fleet: fleetStoreFromEnv(),
    documents: options.documents,
    log: log.warn,
  });
}

export function delegationsFromEnv(engine: ApprovalEngine = approvalEngineFromEnv()): Delegations {
  return makeDelegations({
    delegations: delegationStoreFromEnv(),
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    clock: clockFromEnv(),
    policy: officePolicy,
    engine,
    log: log.warn,
  });
}

/** 보완 요청 from the API, the link page or Slack (`interactive`: inside Slack's 3-second acknowledgement). */
export function supplementRequestFromEnv(options: { interactive?: boolean } = {}): SupplementRequest {
  return makeSupplementRequest({
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    workflows: workflowsFromEnv(),
    mailer: mailerFromEnv(),
    chat: chatFromEnv(options),
    clock: clockFromEnv(),
    policy: officePolicy,
    holidays: koreanHolidays,
    log: log.warn,
  });
}

/** 전단계 반려 from the API or the link page. */
export function returnToPreviousFromEnv(): ReturnToPrevious {
  return makeReturnToPrevious({
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    workflows: workflowsFromEnv(),
    chat: chatFromEnv(),
    clock: clockFromEnv(),
    policy: officePolicy,
    log: log.warn,
  });
}
