import { makeSupplementAnswer } from '../../shared/use-cases/supplement.js';
import { revisionDepsFromEnv } from '../revision-wiring.js';
import { workflowsFromEnv } from '../wiring.js';
import { answerSupplement as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const supplement = makeSupplementAnswer({ ...revisionDepsFromEnv(), workflows: workflowsFromEnv() });

/** POST /requests/{id}/supplement — the requester answers a 보완 요청 (documents, changed fields); the same step continues. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await supplement.answer({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
