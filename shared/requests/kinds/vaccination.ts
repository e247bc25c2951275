import * as z from 'zod';
import { ValidationError } from '../../kernel/errors.js';
import { formatKrw } from '../../kernel/seoul-time.js';
import { isoDate, positiveKrw, text } from '../../kernel/validation.js';
import { krw } from '../../policies/approval-policy.js';
import { defineKind, type Lines } from '../kind.js';
import { claimYear, paidOnceApproved } from './reimbursement.js';

const details = z
  .object({
    vaccine: z.string({ error: '백신 종류(vaccine)를 입력하세요' }),
    vaccineNote: text('백신 설명(vaccineNote)', 200).optional(),
    vaccinationDate: isoDate('접종일(vaccinationDate)'),
    amountPaid: positiveKrw('납부 금액(amountPaid)'),
    clinic: text('접종기관(clinic)', 100),
  })
  .strict();

export type VaccinationDetails = z.infer<typeof details>;

const rules = z.object({
  /** The vaccines the office reimburses, by code, with the Korean names people see. */
  vaccines: z.record(z.string(), z.string()).refine((vaccines) => Object.keys(vaccines).length > 0, 'at least one vaccine'),
  /** Vaccines a claim must describe (`기타`). */
  noteRequiredFor: z.array(z.string()),
  /** Per person per calendar year of the vaccination, summed over the year's live claims. */
  capPerYearKrw: krw.positive(),
  /** Claims per person for one vaccine on one Seoul calendar day. */
  claimsPerVaccinePerDay: z.int().positive(),
  claimableYearsBack: z.int().nonnegative(),
});

const vaccineName = (vaccines: Record<string, string>, code: string) => (Object.hasOwn(vaccines, code) ? vaccines[code] : undefined);

/**
 * 예방접종비 지원 (the division's 2026 plan: 독감, 간염, 코로나19 등 대상 확대): reimbursed up to a
 * yearly cap per person summed over the year's claims that are not rejected, withdrawn or failed —
 * a claim is covered up to what is left — and one claim per vaccine per day. Whether someone was
 * vaccinated is health data: the privacy of the health checkup.
 */
export const vaccination = defineKind({
  id: 'vaccination',
  label: '예방접종비 지원',
  description: 'vaccination reimbursement',
  details,
  rules,
  state: {},
  privacy: { sensitive: true },
  lifecycle: paidOnceApproved,
  assess(details, { today, rules }) {
    const name = vaccineName(rules.vaccines, details.vaccine);
    if (name === undefined) {
      const choices = Object.entries(rules.vaccines).map(([code, label]) => `${code}(${label})`);
      throw new ValidationError('백신 종류(vaccine)가 올바르지 않습니다.', [
        { path: 'vaccine', message: `${choices.join(', ')} 중 하나여야 합니다` },
      ]);
    }
    if (rules.noteRequiredFor.includes(details.vaccine) && !details.vaccineNote) {
      throw new ValidationError(`${name} 백신은 무엇인지 적어 주세요.`, [
        { path: 'vaccineNote', message: `${name}을(를) 고르면 백신 설명이 필요합니다` },
      ]);
    }
    const year = claimYear({ field: 'vaccinationDate', label: '접종일', date: details.vaccinationDate, today, yearsBack: rules.claimableYearsBack });
    const day = details.vaccinationDate;
    return {
      amountRequested: details.amountPaid,
      capAmount: rules.capPerYearKrw,
      reimbursableAmount: Math.min(details.amountPaid, rules.capPerYearKrw),
      ledgers: [
        { key: `vaccination#${year}`, periodLabel: `${year}년`, capKrw: rules.capPerYearKrw },
        {
          key: `vaccination#${details.vaccine}#${day}`,
          periodLabel: day,
          maxRequests: rules.claimsPerVaccinePerDay,
          duplicateMessage: `${day}에 맞은 ${name} 예방접종은 이미 청구하셨습니다 (같은 백신은 하루 ${rules.claimsPerVaccinePerDay}회).`,
        },
      ],
    };
  },
  summarize(details, rules) {
    const name = vaccineName(rules.vaccines, details.vaccine) ?? details.vaccine;
    const lines: Lines = [
      ['접종일', details.vaccinationDate],
      ['백신', details.vaccineNote ? `${name} (${details.vaccineNote})` : name],
      ['접종기관', details.clinic],
      ['납부 금액', formatKrw(details.amountPaid)],
    ];
    return lines;
  },
  finance: { payable: true },
});
