import * as z from 'zod';
import { formatKrw } from '../../kernel/seoul-time.js';
import { isoDate, positiveKrw, text } from '../../kernel/validation.js';
import { claimYear } from './claim-dates.js';
import type { RequestKind } from './request-kind.js';

/** The treatments the office reimburses, with the Korean names people see. */
export const treatmentTypes = {
  'artificial-insemination': '인공수정',
  'ivf-fresh-embryo': '체외수정 신선배아',
  'ivf-frozen-embryo': '체외수정 동결배아',
  other: '기타',
} as const;

const treatmentTypeCodes = Object.keys(treatmentTypes) as [keyof typeof treatmentTypes, ...(keyof typeof treatmentTypes)[]];

const infertilityTreatmentDetails = z
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

export type InfertilityTreatmentDetails = z.infer<typeof infertilityTreatmentDetails>;

/**
 * 난임치료 시술비 지원: up to a yearly cap per person (3,000,000 KRW by default) summed over the
 * year's claims that are not rejected, withdrawn or failed; a claim is covered up to what is left.
 * Health data (개인정보 보호법 §23): only the requester, the welfare officers and the approvers on
 * its line see it; emails carry no details; every read by anyone else is recorded.
 */
export const infertilityTreatment: RequestKind<InfertilityTreatmentDetails> = {
  kind: 'infertility-treatment',
  label: '난임치료 시술비 지원',
  sensitive: true,
  readableBy: { team: 'ga-welfare', role: 'welfare-officer' },
  detailsSchema: infertilityTreatmentDetails,
  assess(details, { today, policy }) {
    const rules = policy.infertilityTreatment;
    const year = claimYear({ field: 'treatmentDate', label: '시술일', date: details.treatmentDate, today, yearsBack: rules.claimableYearsBack });
    return {
      amountRequested: details.amountPaid,
      capAmount: rules.capPerYearKrw,
      reimbursableAmount: Math.min(details.amountPaid, rules.capPerYearKrw),
      ledger: { key: `infertility-treatment#${year}`, periodLabel: `${year}년`, capKrw: rules.capPerYearKrw },
    };
  },
  summarize(details) {
    return [
      ['시술일', details.treatmentDate],
      ['의료기관', details.clinic],
      ['시술 종류', treatmentTypes[details.treatmentType]],
      ['납부 금액', formatKrw(details.amountPaid)],
      ...(details.note ? ([['비고', details.note]] as [string, string][]) : []),
    ];
  },
};
