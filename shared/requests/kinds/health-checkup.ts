import * as z from 'zod';
import { ageOn, formatKrw } from '../../kernel/seoul-time.js';
import { isoDate, positiveKrw, text } from '../../kernel/validation.js';
import { healthCheckupCap } from '../../policies/office-policy.js';
import { claimYear } from './claim-dates.js';
import type { RequestKind } from './request-kind.js';

const healthCheckupDetails = z
  .object({
    checkupDate: isoDate('검진일(checkupDate)'),
    amountPaid: positiveKrw('납부 금액(amountPaid)'),
    clinic: text('검진기관(clinic)', 100),
  })
  .strict();

export type HealthCheckupDetails = z.infer<typeof healthCheckupDetails>;

/** 건강검진비 지원: reimbursed up to the age band's cap on the checkup date, once a year. */
export const healthCheckup: RequestKind<HealthCheckupDetails> = {
  kind: 'health-checkup',
  label: '건강검진비 지원',
  sensitive: true,
  detailsSchema: healthCheckupDetails,
  assess(details, { requester, today, policy }) {
    const rules = policy.healthCheckup;
    const year = claimYear({ field: 'checkupDate', label: '검진일', date: details.checkupDate, today, yearsBack: rules.claimableYearsBack });
    const capAmount = healthCheckupCap(rules, ageOn(requester.birthDate, details.checkupDate));
    return {
      amountRequested: details.amountPaid,
      capAmount,
      reimbursableAmount: Math.min(details.amountPaid, capAmount),
      ledger: { key: `health-checkup#${year}`, maxRequests: rules.claimsPerYear, periodLabel: `${year}년` },
    };
  },
  summarize(details) {
    return [
      ['검진일', details.checkupDate],
      ['검진기관', details.clinic],
      ['납부 금액', formatKrw(details.amountPaid)],
    ];
  },
};
