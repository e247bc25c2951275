import type { ScheduledEvent } from 'aws-lambda';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeMonthlyReport } from '../../shared/use-cases/monthly-report.js';
import { financeFromEnv, reportStoreFromEnv } from '../finance-wiring.js';
import { mailerFromEnv } from '../mail-wiring.js';
import { log, observedHandler } from '../observability.js';
import { clockFromEnv, directoryFromEnv, publicBaseUrlFromEnv } from '../wiring.js';

const produce = makeMonthlyReport({
  finance: financeFromEnv(),
  reports: reportStoreFromEnv(),
  directory: directoryFromEnv(),
  mailer: mailerFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
  publicBaseUrl: publicBaseUrlFromEnv(),
  log: log.warn,
});

/** Scheduled on the 1st at 09:00 KST: the previous month's report (CSV, XLSX) stored, and finance emailed the links. */
export const handler = observedHandler(async (_event: ScheduledEvent) => {
  const report = await produce();
  log.info('monthly report produced', report);
  return report;
});
