import { delegationsFromEnv } from '../approval-wiring.js';
import { putDelegation as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const delegations = delegationsFromEnv();

/** PUT /delegations — "from date to date, <deputy> decides for me" (대결), by the approver or an admin. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await delegations.put({ callerId: callerId(event), body: jsonBody(event) })),
);
