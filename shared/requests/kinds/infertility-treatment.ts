import * as z from 'zod';
import { formatKrw } from '../../kernel/seoul-time.js';
import { isoDate, positiveKrw, text } from '../../kernel/validation.js';
import { krw } from '../../policies/approval-policy.js';
import { defineKind, type Lines } from '../kind.js';
import { claimYear, paidOnceApproved } from './reimbursement.js';

const treatmentTypeCodes = ['artificial-insemination', 'ivf-fresh-embryo', 'ivf-frozen-embryo', 'other'] as const;

/** The treatments the office reimburses, with the Korean names people see. */
export const treatmentTypes: Record<(typeof treatmentTypeCodes)[number], string> = {
  'artificial-insemination': '인공수정',
  'ivf-fresh-embryo': '체외수정 신선배아',
  'ivf-frozen-embryo': '체외수정 동결배아',
  other: '기타',
};

const details = z
  .object({
    treatmentDate: isoDate('시술일(treatmentDate)'),
    amountPaid: positiveKrw('납부 금액(amountPaid)'),
    clinic: text('의료기관(clinic)', 100),
    treatmentType: z.enum(treatmentTypeCodes, {
      error: `시술 종류(treatmentType)는 ${Object.entries(treatmentTypes)
        .map(([code, label]) => `${code}(${label})`)
        .join(', ')} 중 하나여야 합니다`,
    }),
    note: text('비고(note)', 500).optional(),
  })
  .strict();

export type InfertilityTreatmentDetails = z.infer<typeof details>;

const rules = z.object({
  /** Per person per calendar year of the treatment, summed over the year's live claims. */
  capPerYearKrw: krw.positive(),
  claimableYearsBack: z.int().nonnegative(),
});

/**
 * 난임치료 시술비 지원: up to a yearly cap per person (3,000,000 KRW by default) summed over the
 * year's claims that are not rejected, withdrawn or failed; a claim is covered up to what is left.
 * Health data (개인정보 보호법 §23): only the requester, the welfare officers and the approvers on
 * its line see it; emails carry no details; every read by anyone else is recorded.
 */
export const infertilityTreatment = defineKind({
  id: 'infertility-treatment',
  label: '난임치료 시술비 지원',
  description: 'infertility-treatment reimbursement',
  details,
  rules,
  state: {},
  privacy: { sensitive: true, readers: { team: 'ga-welfare', role: 'welfare-officer' } },
  lifecycle: paidOnceApproved,
  assess(details, { today, rules }) {
    const year = claimYear({ field: 'treatmentDate', label: '시술일', date: details.treatmentDate, today, yearsBack: rules.claimableYearsBack });
    return {
      amountRequested: details.amountPaid,
      capAmount: rules.capPerYearKrw,
      reimbursableAmount: Math.min(details.amountPaid, rules.capPerYearKrw),
      ledgers: [{ key: `infertility-treatment#${year}`, periodLabel: `${year}년`, capKrw: rules.capPerYearKrw }],
    };
  },
  summarize(details) {
    const lines: Lines = [
      ['시술일', details.treatmentDate],
      ['의료기관', details.clinic],
      ['시술 종류', treatmentTypes[details.treatmentType]],
      ['납부 금액', formatKrw(details.amountPaid)],
    ];
    return details.note ? [...lines, ['비고', details.note]] : lines;
  },
  finance: { payable: true },
});
