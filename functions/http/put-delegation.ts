import { delegationsFromEnv } from '../approval-wiring.js';
import { callerId, json, jsonApi, jsonBody } from './http-api.js';

const delegations = delegationsFromEnv();

/** PUT /delegations — "from date to date, <deputy> decides for me" (대결), by the approver or an admin. */
export const handler = jsonApi(async (event) => json(200, await delegations.put({ callerId: callerId(event), body: jsonBody(event) })));
