import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/kernel/errors.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { type VaccinationDetails, vaccination } from '../../shared/requests/kinds/vaccination.js';
import { seedPerson } from '../fixtures/directory.js';

const rules = vaccination.rulesOf(officePolicy);
const today = '2026-11-24';
const base: VaccinationDetails = { vaccine: 'influenza', vaccinationDate: '2026-10-15', amountPaid: 40_000, clinic: '한빛내과의원' };
const assess = (details: Partial<VaccinationDetails> = {}) =>
  vaccination.assess({ ...base, ...details }, { requester: seedPerson('E1034'), today, now: new Date(`${today}T03:00:00Z`), rules });

/** The field a refused assessment names. */
const refusedField = (details: Partial<VaccinationDetails>) => {
  try {
    assess(details);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues[0]?.path;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(details)}`);
};

describe('vaccination: the year cap and one claim per vaccine per day, as policy data', () => {
  it('claims up to the yearly cap (100,000 KRW by default): covered up to what it paid, at most the cap', () => {
    expect(rules.capPerYearKrw).toBe(100_000);
    expect(assess()).toMatchObject({ amountRequested: 40_000, reimbursableAmount: 40_000, capAmount: 100_000 });
    expect(assess({ amountPaid: 180_000 })).toMatchObject({ amountRequested: 180_000, reimbursableAmount: 100_000 });
  });

  it('holds two places: its share of the year, and the vaccine on that day (once)', () => {
    expect(assess().ledgers).toEqual([
      { key: 'vaccination#2026', periodLabel: '2026년', capKrw: 100_000 },
      {
        key: 'vaccination#influenza#2026-10-15',
        periodLabel: '2026-10-15',
        maxRequests: 1,
        duplicateMessage: '2026-10-15에 맞은 독감 예방접종은 이미 청구하셨습니다 (같은 백신은 하루 1회).',
      },
    ]);
    expect(assess({ vaccinationDate: '2025-12-31' }).ledgers?.[0]?.key).toBe('vaccination#2025');
  });

  it('takes the vaccines the policy lists, and a description for 기타', () => {
    expect(Object.keys(rules.vaccines)).toEqual(['influenza', 'hepatitis-a', 'hepatitis-b', 'covid-19', 'shingles', 'hpv', 'other']);
    expect(refusedField({ vaccine: 'measles' })).toBe('vaccine');
    expect(() => assess({ vaccine: 'measles' })).toThrow('백신 종류(vaccine)가 올바르지 않습니다.');
    expect(refusedField({ vaccine: 'other' })).toBe('vaccineNote');
    expect(assess({ vaccine: 'other', vaccineNote: '장티푸스' }).reimbursableAmount).toBe(40_000);
  });

  it('refuses vaccinations in the future or before last year, naming the field', () => {
    expect(refusedField({ vaccinationDate: '2026-11-25' })).toBe('vaccinationDate');
    expect(refusedField({ vaccinationDate: '2024-12-31' })).toBe('vaccinationDate');
  });

  it('takes only its own fields, with whole positive won', () => {
    const parse = (input: unknown) => vaccination.details.safeParse(input);
    expect(parse(base).success).toBe(true);
    expect(parse({ ...base, amountPaid: 0 }).success).toBe(false);
    expect(parse({ ...base, amountPaid: 10.5 }).success).toBe(false);
    expect(parse({ ...base, clinic: '  ' }).success).toBe(false);
    expect(parse({ ...base, requesterId: 'E1001' }).success).toBe(false);
    const { vaccine: _vaccine, ...withoutVaccine } = base;
    expect(parse(withoutVaccine).error?.issues[0]?.message).toBe('백신 종류(vaccine)를 입력하세요');
  });

  it('reads in Korean on the approver’s page, with the description of 기타', () => {
    expect(vaccination.summarize({ ...base, vaccine: 'other', vaccineNote: '장티푸스' }, rules)).toEqual([
      ['접종일', '2026-10-15'],
      ['백신', '기타 (장티푸스)'],
      ['접종기관', '한빛내과의원'],
      ['납부 금액', '40,000원'],
    ]);
  });
});
