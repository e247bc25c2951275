import { officePolicy } from '../../shared/policies/office-policy.js';
import { makePendingApprovals } from '../../shared/use-cases/approvals.js';
import { requestStoreFromEnv } from '../wiring.js';
import { listApprovals as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const listPending = makePendingApprovals({ requests: requestStoreFromEnv(), policy: officePolicy });

/** GET /approvals — the caller's pending decisions (including those held as deputy), oldest first. */
export const handler = jsonApi(operation, async (event) => reply(operation, 200, await listPending(callerId(event))));
