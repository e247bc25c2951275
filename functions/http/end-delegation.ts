import { delegationsFromEnv } from '../approval-wiring.js';
import { endDelegation as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const delegations = delegationsFromEnv();

/** DELETE /delegations/{from}?principalId= — ends a delegation early (the approver is back); waiting steps return. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(
    operation,
    200,
    await delegations.end({ callerId: callerId(event), from: params.from, principalId: event.queryStringParameters?.['principalId'] }),
  ),
);
