import * as z from 'zod';
import { ValidationError } from '../../kernel/errors.js';
import { ageOn, formatKrw, yearOf } from '../../kernel/seoul-time.js';
import { isoDate, positiveKrw, text } from '../../kernel/validation.js';
import { healthCheckupCap } from '../../policies/office-policy.js';
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
    if (details.checkupDate > today) {
      throw new ValidationError('검진일이 미래입니다. 검진을 받은 뒤 청구하세요.', [
        { path: 'checkupDate', message: `검진일은 오늘(${today}) 이전이어야 합니다` },
      ]);
    }
    const earliestYear = yearOf(today) - rules.claimableYearsBack;
    if (yearOf(details.checkupDate) < earliestYear) {
      throw new ValidationError(`${earliestYear}년 이후의 검진만 청구할 수 있습니다.`, [
        { path: 'checkupDate', message: `검진일은 ${earliestYear}-01-01 이후여야 합니다` },
      ]);
    }
    const year = yearOf(details.checkupDate);
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
