import type { ScheduledEvent } from 'aws-lambda';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeAccessLog } from '../../shared/use-cases/access-log.js';
import { mailerFromEnv } from '../mail-wiring.js';
import { log, observedHandler } from '../observability.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';

const accessLog = makeAccessLog({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  mailer: mailerFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
});

/** Scheduled on the 1st at 09:30 KST: last month's access log, summarised for the privacy officers. */
export const handler = observedHandler(async (_event: ScheduledEvent) => {
  const checked = await accessLog.monthlyCheck();
  log.info('access log checked', checked);
  return checked;
});
