import { ValidationError } from '../../kernel/errors.js';
import { yearOf } from '../../kernel/seoul-time.js';
import type { Lifecycle } from '../kind.js';

/**
 * What reimbursement kinds share: finance pays an approved claim once (`approved → paid`), and a
 * claim is made after the fact for this year or the one before.
 */
export const paidOnceApproved: Lifecycle<'paid'> = {
  statuses: { paid: '지급 완료' },
  moves: { approved: ['paid'] },
};

/**
 * A reimbursement is claimed after the fact, for this year or up to `yearsBack` years before
 * (Asia/Seoul). Returns the claim's calendar year, the period its ledger counts in.
 */
export function claimYear(input: { field: string; label: string; date: string; today: string; yearsBack: number }): number {
  const { field, label, date, today, yearsBack } = input;
  if (date > today) {
    throw new ValidationError(`${label}이(가) 미래입니다. 받은 뒤 청구하세요.`, [
      { path: field, message: `${label}은(는) 오늘(${today}) 이전이어야 합니다` },
    ]);
  }
  const earliestYear = yearOf(today) - yearsBack;
  if (yearOf(date) < earliestYear) {
    throw new ValidationError(`${earliestYear}년 이후의 건만 청구할 수 있습니다.`, [
      { path: field, message: `${label}은(는) ${earliestYear}-01-01 이후여야 합니다` },
    ]);
  }
  return yearOf(date);
}
