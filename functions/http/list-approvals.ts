import { officePolicy } from '../../shared/policies/office-policy.js';
import { makePendingApprovals } from '../../shared/use-cases/approvals.js';
import { requestStoreFromEnv } from '../wiring.js';
import { callerId, json, jsonApi } from './http-api.js';

const listPending = makePendingApprovals({ requests: requestStoreFromEnv(), policy: officePolicy });

/** GET /approvals — the caller's pending decisions (including those held as deputy), oldest first. */
export const handler = jsonApi(async (event) => json(200, await listPending(callerId(event))));
