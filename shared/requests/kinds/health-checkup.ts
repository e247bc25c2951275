import * as z from 'zod';
import { ageOn, formatKrw } from '../../kernel/seoul-time.js';
import { isoDate, positiveKrw, text } from '../../kernel/validation.js';
import { krw } from '../../policies/approval-policy.js';
import { defineKind } from '../kind.js';
import { claimYear, paidOnceApproved } from './reimbursement.js';

const details = z
  .object({
    checkupDate: isoDate('검진일(checkupDate)'),
    amountPaid: positiveKrw('납부 금액(amountPaid)'),
    clinic: text('검진기관(clinic)', 100),
  })
  .strict();

export type HealthCheckupDetails = z.infer<typeof details>;

const rules = z.object({
  /** Caps by age on the checkup date (만 나이): each band from `fromAge`. */
  capBands: z
    .array(z.object({ fromAge: z.int().nonnegative(), capKrw: krw }))
    .min(1)
    .refine((bands) => bands[0]?.fromAge === 0, 'the first band must start at age 0')
    .refine((bands) => bands.every((band, i) => i === 0 || band.fromAge > (bands[i - 1]?.fromAge ?? -1)), 'bands must be in ascending age order'),
  claimsPerYear: z.int().positive(),
  claimableYearsBack: z.int().nonnegative(),
});

export type HealthCheckupRules = z.infer<typeof rules>;

/** The cap of the age band `age` falls in. */
export function healthCheckupCap(policy: Pick<HealthCheckupRules, 'capBands'>, age: number): number {
  const band = policy.capBands.findLast((candidate) => age >= candidate.fromAge);
  if (!band) throw new Error(`no cap band covers age ${age}`);
  return band.capKrw;
}

/** 건강검진비 지원: reimbursed up to the age band's cap on the checkup date, once a year. Health data. */
export const healthCheckup = defineKind({
  id: 'health-checkup',
  label: '건강검진비 지원',
  description: 'health-checkup reimbursement',
  details,
  rules,
  state: {},
  privacy: { sensitive: true },
  lifecycle: paidOnceApproved,
  assess(details, { requester, today, rules }) {
    const year = claimYear({ field: 'checkupDate', label: '검진일', date: details.checkupDate, today, yearsBack: rules.claimableYearsBack });
    const capAmount = healthCheckupCap(rules, ageOn(requester.birthDate, details.checkupDate));
    return {
      amountRequested: details.amountPaid,
      capAmount,
      reimbursableAmount: Math.min(details.amountPaid, capAmount),
      ledgers: [{ key: `health-checkup#${year}`, maxRequests: rules.claimsPerYear, periodLabel: `${year}년` }],
    };
  },
  summarize(details) {
    return [
      ['검진일', details.checkupDate],
      ['검진기관', details.clinic],
      ['납부 금액', formatKrw(details.amountPaid)],
    ];
  },
  finance: { payable: true },
});
