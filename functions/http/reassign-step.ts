import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeReassignStep } from '../../shared/use-cases/reassign-step.js';
import { approvalEngineFromEnv } from '../approval-wiring.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { reassignStep as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const reassignStep = makeReassignStep({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  policy: officePolicy,
  engine: approvalEngineFromEnv(),
  clock: clockFromEnv(),
});

/** POST /approvals/{requestId}/reassign — 지정: the holder hands a review or input step to a colleague with the same role. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await reassignStep({ callerId: callerId(event), requestId: params.requestId, body: jsonBody(event) })),
);
