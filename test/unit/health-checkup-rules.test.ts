import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/kernel/errors.js';
import { ageOn } from '../../shared/kernel/seoul-time.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { healthCheckup, healthCheckupCap } from '../../shared/requests/kinds/health-checkup.js';
import { seedPerson } from '../fixtures/directory.js';

const rules = healthCheckup.rulesOf(officePolicy);
const assess = (birthDate: string, details: { checkupDate: string; amountPaid: number }, today = '2026-11-24') =>
  healthCheckup.assess(
    { ...details, clinic: '검진센터' },
    { requester: { ...seedPerson('E1034'), birthDate }, today, now: new Date(`${today}T03:00:00Z`), rules },
  );

describe('health-checkup caps by age on the checkup date', () => {
  it.each([
    [39, 400_000],
    [40, 450_000],
    [49, 450_000],
    [50, 500_000],
    [64, 500_000],
  ])('age %i → cap %i', (age, cap) => {
    expect(healthCheckupCap(rules, age)).toBe(cap);
  });

  it('counts age on the checkup date (만 나이), not today', () => {
    expect(ageOn('1986-11-24', '2026-11-23')).toBe(39);
    expect(ageOn('1986-11-24', '2026-11-24')).toBe(40);
    expect(assess('1986-11-24', { checkupDate: '2026-11-23', amountPaid: 480_000 }).reimbursableAmount).toBe(400_000);
    expect(assess('1986-11-24', { checkupDate: '2026-11-24', amountPaid: 480_000 }).reimbursableAmount).toBe(450_000);
  });

  it('reimburses what was paid when it is under the cap', () => {
    expect(assess('1960-01-01', { checkupDate: '2026-05-01', amountPaid: 123_456 })).toMatchObject({
      reimbursableAmount: 123_456,
      capAmount: 500_000,
    });
  });

  it('holds one place a year, in the checkup year', () => {
    expect(assess('1990-01-01', { checkupDate: '2025-12-31', amountPaid: 1 }).ledgers).toEqual([
      {
        key: 'health-checkup#2025',
        maxRequests: 1,
        periodLabel: '2025년',
      },
    ]);
  });

  it('refuses future checkups and checkups before the previous year, naming the field', () => {
    for (const checkupDate of ['2026-11-25', '2024-12-31']) {
      const attempt = () => assess('1990-01-01', { checkupDate, amountPaid: 1 });
      expect(attempt).toThrow(ValidationError);
      try {
        attempt();
      } catch (error) {
        expect((error as ValidationError).issues[0]?.path).toBe('checkupDate');
      }
    }
  });

  it('rejects amounts that are not positive whole won, and unknown fields', () => {
    const parse = (input: unknown) => healthCheckup.details.safeParse(input);
    expect(parse({ checkupDate: '2026-01-02', amountPaid: 0, clinic: 'x' }).success).toBe(false);
    expect(parse({ checkupDate: '2026-01-02', amountPaid: 10.5, clinic: 'x' }).success).toBe(false);
    expect(parse({ checkupDate: '2026-01-02', amountPaid: 10, clinic: '   ' }).success).toBe(false);
    expect(parse({ checkupDate: '2026-01-02', amountPaid: 10, clinic: 'x', requesterId: 'E1001' }).success).toBe(false);
  });
});
