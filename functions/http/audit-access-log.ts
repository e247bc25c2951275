import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeAccessLog } from '../../shared/use-cases/access-log.js';
import { optionalMailerFromEnv } from '../mail-wiring.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { auditAccessLog as operation } from './contract/operations.js';
import { callerId, csvDownload, jsonApi, reply } from './http-api.js';

const accessLog = makeAccessLog({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  mailer: optionalMailerFromEnv(), // the route sends nothing; the monthly check does
  clock: clockFromEnv(),
  policy: officePolicy,
});

/** GET /audit/access-log?from=&to=[&format=csv] — the access log across requests, for auditors and the privacy officer. */
export const handler = jsonApi(operation, async (event) => {
  const query = event.queryStringParameters ?? {};
  const answer = await accessLog.read({ callerId: callerId(event), query });
  if (answer.format === 'json') return reply(operation, 200, answer.page);
  return csvDownload(`access-log-${query['from']}-${query['to']}.csv`, answer.body);
});
