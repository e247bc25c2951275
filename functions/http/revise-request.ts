import { makeReviseRequest } from '../../shared/use-cases/revise-request.js';
import { revisionDepsFromEnv } from '../revision-wiring.js';
import { reviseRequest as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const revise = makeReviseRequest(revisionDepsFromEnv());

/** PUT /requests/{id} — the requester revises a returned (반려) request, adding documents if need be; the earlier content stays in the history. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await revise({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
