import { delegationsFromEnv } from '../approval-wiring.js';
import { callerId, json, jsonApi, pathParameter } from './http-api.js';

const delegations = delegationsFromEnv();

/** DELETE /delegations/{from}?principalId= — ends a delegation early (the approver is back); waiting steps return. */
export const handler = jsonApi(async (event) =>
  json(
    200,
    await delegations.end({
      callerId: callerId(event),
      from: pathParameter(event, 'from'),
      principalId: event.queryStringParameters?.['principalId'],
    }),
  ),
);
