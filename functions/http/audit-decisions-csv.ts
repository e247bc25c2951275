import { makeAudit } from '../../shared/use-cases/audit.js';
import { directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { auditDecisionsCsv as operation } from './contract/operations.js';
import { callerId, csvDownload, jsonApi } from './http-api.js';

const audit = makeAudit({ requests: requestStoreFromEnv(), directory: directoryFromEnv() });

/** GET /audit/decisions.csv?from=&to= — auditors: one row per decision, Korean headers, for Excel. */
export const handler = jsonApi(operation, async (event) => {
  const query = event.queryStringParameters ?? {};
  const body = await audit.decisionsCsv({ callerId: callerId(event), query });
  return csvDownload(`decisions-${query['from']}-${query['to']}.csv`, body);
});
