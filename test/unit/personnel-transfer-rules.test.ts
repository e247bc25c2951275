import { describe, expect, it } from 'vitest';
import type { ValidationError } from '../../shared/kernel/errors.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import {
  addMonths,
  earliestEligibleDate,
  minimumTenureMonths,
  nextOpenRound,
  personnelTransfer,
  TooEarlyForTransferError,
} from '../../shared/requests/kinds/personnel-transfer.js';
import { seedPerson } from '../fixtures/directory.js';

const rules = personnelTransfer.rulesOf(officePolicy);
const person = (jobSeries: string, postStartDate: string, hiredVia: 'open' | 'career' = 'open') => ({
  ...seedPerson('E1034'),
  jobSeries,
  postStartDate,
  hiredVia,
});
const assess = (requester: ReturnType<typeof person>, today: string, extra: Record<string, unknown> = {}) =>
  personnelTransfer.assess(
    { preferences: ['finance', 'childcare'], reason: '업무 역량 확대', ...extra },
    { requester, today, now: new Date(`${today}T03:00:00Z`), rules },
  );

describe('personnel rounds', () => {
  it('targets the next round still open: effective 1 January and 1 July, closing 30 days before', () => {
    expect(nextOpenRound(rules, '2026-11-24')).toEqual({ id: '2027-01', effectiveDate: '2027-01-01', closesOn: '2026-12-02' });
    expect(nextOpenRound(rules, '2026-12-02').id).toBe('2027-01');
    expect(nextOpenRound(rules, '2026-12-03').id).toBe('2027-07');
  });
});

describe('minimum time in post (지방공무원 임용령 §27①)', () => {
  it.each([
    ['행정', 'open', 12],
    ['통계', 'open', 18],
    ['민원', 'open', 18],
    ['사회복지', 'open', 18],
    ['감사', 'open', 24],
    ['공시지가', 'open', 24],
    ['전산', 'career', 36],
    ['감사', 'career', 36],
  ] as const)('%s (%s): %i months', (jobSeries, hiredVia, months) => {
    expect(minimumTenureMonths(rules, { jobSeries, hiredVia })).toBe(months);
  });

  it('counts calendar months; the 31st of a shorter month is its last day', () => {
    expect(addMonths('2025-07-01', 18)).toBe('2027-01-01');
    expect(addMonths('2025-08-31', 6)).toBe('2026-02-28');
    expect(earliestEligibleDate(rules, { jobSeries: '감사', hiredVia: 'open', postStartDate: '2025-01-01' })).toBe('2027-01-01');
  });

  it.each([
    ['통계', '2025-07-01', true], // eligible on the round's effective date itself
    ['통계', '2025-07-02', false], // one day short
    ['감사', '2025-01-01', true],
    ['감사', '2025-01-02', false],
    ['행정', '2026-01-01', true],
    ['행정', '2026-01-02', false],
  ] as const)('%s posted %s: eligible for the 2027-01-01 round = %s', (jobSeries, postStartDate, eligible) => {
    const attempt = () => assess(person(jobSeries, postStartDate), '2026-11-24');
    if (eligible) expect(attempt().state?.effect).toMatchObject({ roundId: '2027-01', effectiveDate: '2027-01-01', departmentId: 'finance' });
    else expect(attempt).toThrow(TooEarlyForTransferError);
  });

  it('too early says from when; an exception ground lets it through, for 인사팀 to confirm', () => {
    expect(() => assess(person('통계', '2025-09-15'), '2026-11-24')).toThrow('2027-03-15부터 전보 대상이 됩니다');
    const early = assess(person('통계', '2025-09-15'), '2026-11-24', {
      exceptionGround: 'family-relocation',
      exceptionDetail: '배우자 근무지 이전(세종)',
    });
    expect(early.confirmations).toEqual(['최소 근무기간 미충족(2027-03-15부터 대상) — 예외 사유 확인 필요: 가족 거주지 이전']);
    expect(early.ledgers?.[0]).toMatchObject({ key: 'personnel-transfer#2027-01', maxRequests: 1 });
  });

  it('refuses its own department, duplicates, more than three preferences and unknown grounds, naming the field', () => {
    const fieldOf = (extra: Record<string, unknown>) => {
      try {
        assess(person('행정', '2020-01-01'), '2026-11-24', extra);
        return 'accepted';
      } catch (error) {
        return (error as ValidationError).issues[0]?.path;
      }
    };
    expect(fieldOf({ preferences: ['finance', 'jobs-economy'] })).toBe('preferences.1'); // E1034 works in jobs-economy
    expect(fieldOf({ preferences: ['finance', 'finance'] })).toBe('preferences');
    expect(fieldOf({ preferences: ['finance', 'childcare', 'cleaning', 'environment'] })).toBe('preferences');
    expect(fieldOf({ exceptionGround: 'boredom', exceptionDetail: '-' })).toBe('exceptionGround');
    expect(fieldOf({ exceptionGround: 'promotion' })).toBe('exceptionDetail');
  });
});
