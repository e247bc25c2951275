import { makeAudit } from '../../shared/use-cases/audit.js';
import { directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { auditRequests as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const audit = makeAudit({ requests: requestStoreFromEnv(), directory: directoryFromEnv() });

/** GET /audit/requests?from=&to=&… — auditors: decided requests by month of decision, with each step's decision. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await audit.search({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
