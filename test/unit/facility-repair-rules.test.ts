import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/kernel/errors.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { categoryOf, type FacilityRepairDetails, facilityRepair, floorNumber, floorRange } from '../../shared/requests/kinds/facility-repair.js';
import { seedPerson } from '../fixtures/directory.js';
import { leakInMainHall } from '../fixtures/requests.js';

const rules = facilityRepair.rulesOf(officePolicy);
const today = '2026-11-24';
const assess = (details: Partial<FacilityRepairDetails> = {}) =>
  facilityRepair.assess({ ...leakInMainHall, ...details }, { requester: seedPerson('E1034'), today, now: new Date(`${today}T03:00:00Z`), rules });

/** The ValidationError an assessment throws, or a failure naming what it returned instead. */
const refusalOf = (details: Partial<FacilityRepairDetails>): ValidationError => {
  try {
    const assessment = assess(details);
    throw new Error(`accepted: ${JSON.stringify(assessment)}`);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
};

describe('floors: B3 → -3, 6F → 6', () => {
  it.each([
    ['B3', -3],
    ['B1', -1],
    ['1F', 1],
    ['6F', 6],
    ['12F', 12],
  ])('%s → %i', (floor, n) => {
    expect(floorNumber(floor)).toBe(n);
  });

  it.each(['0F', 'B0', '3', '3층', 'b1', '1f', 'F1', '1B', '', ' 3F', '3F ', 'B-1', '-1F', '01F'])('%j is not a floor', (floor) => {
    expect(floorNumber(floor)).toBeUndefined();
  });

  it("writes each building's floors the way people do", () => {
    // Act
    const ranges = Object.fromEntries(Object.entries(rules.buildings).map(([id, building]) => [id, floorRange(building)]));

    // Assess
    expect(ranges).toEqual({ 'main-hall': 'B3–6F', 'health-center': 'B1–6F', auxiliary: '1F–2F', annex: 'B1–6F', 'parking-culture': '1F' });
  });
});

describe('facility-repair: a floor the building has', () => {
  it.each([
    ['main-hall', ['B3', 'B2', 'B1', '1F', '6F']],
    ['health-center', ['B1', '1F', '6F']],
    ['auxiliary', ['1F', '2F']],
    ['annex', ['B1', '1F', '6F']],
    ['parking-culture', ['1F']],
  ])('%s accepts %j', (building, floors) => {
    // Act
    const assessments = floors.map((floor) => assess({ building, floor }));

    // Assess
    expect(assessments).toHaveLength(floors.length);
    for (const assessment of assessments) expect(assessment.handlingTeamId).toBeTypeOf('string');
  });

  it.each([
    ['main-hall', 'B4', '본관', 'B3–6F'],
    ['main-hall', '7F', '본관', 'B3–6F'],
    ['health-center', 'B2', '보건소', 'B1–6F'],
    ['health-center', '7F', '보건소', 'B1–6F'],
    ['auxiliary', 'B1', '부속건물', '1F–2F'],
    ['auxiliary', '3F', '부속건물', '1F–2F'],
    ['annex', 'B2', '별관', 'B1–6F'],
    ['annex', '7F', '별관', 'B1–6F'],
    ['parking-culture', '2F', '주차문화과 청사', '1F'],
    ['parking-culture', 'B1', '주차문화과 청사', '1F'],
  ])('%s refuses %s, naming the building (%s) and its floors (%s)', (building, floor, name, range) => {
    // Act
    const refusal = refusalOf({ building, floor });

    // Assess
    expect(refusal.message).toBe(`${name}에 없는 층입니다: ${floor}`);
    expect(refusal.issues).toEqual([{ path: 'floor', message: `${name}은(는) ${range}입니다 (지하는 B1, 지상은 1F처럼 입력)` }]);
  });

  it.each(['0F', 'B0', '3', '3층', 'b1'])('refuses the malformed floor %j in the main hall', (floor) => {
    // Act
    const refusal = refusalOf({ building: 'main-hall', floor });

    // Assess
    expect(refusal.statusCode).toBe(400);
    expect(refusal.message).toContain('본관');
    expect(refusal.issues).toHaveLength(1);
    expect(refusal.issues[0]).toMatchObject({ path: 'floor' });
    expect(refusal.issues[0]?.message).toContain('B3–6F');
  });
});

describe('facility-repair: building and category', () => {
  it('refuses an unknown building, listing the ones there are', () => {
    // Act
    const refusal = refusalOf({ building: 'city-hall' });

    // Assess
    expect(refusal.message).toBe('건물(building)이 올바르지 않습니다.');
    expect(refusal.issues).toEqual([
      {
        path: 'building',
        message: 'main-hall(본관), health-center(보건소), auxiliary(부속건물), annex(별관), parking-culture(주차문화과 청사) 중 하나여야 합니다',
      },
    ]);
  });

  it('accepts a category by its code or by its Korean name', () => {
    // Act
    const byCode = assess({ category: 'leak' });
    const byLabel = assess({ category: '누수/방수' });

    // Assess
    expect(categoryOf(rules, 'leak')).toBe('leak');
    expect(categoryOf(rules, '누수/방수')).toBe('leak');
    expect(categoryOf(rules, '냉난방')).toBe('hvac');
    expect(byCode).toEqual(byLabel);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('treats the object property name %s as the unknown value it is', (name) => {
    // Act
    const asBuilding = refusalOf({ building: name });
    const asCategory = refusalOf({ category: name });

    // Assess
    expect(asBuilding.issues[0]).toMatchObject({ path: 'building' });
    expect(asCategory.issues[0]).toMatchObject({ path: 'category' });
  });

  it('refuses an unknown category, naming the field', () => {
    // Act
    const refusal = refusalOf({ category: 'roof' });

    // Assess
    expect(categoryOf(rules, 'roof')).toBeUndefined();
    expect(categoryOf(rules, '누수')).toBeUndefined();
    expect(refusal.message).toBe('분류(category)가 올바르지 않습니다.');
    expect(refusal.issues).toHaveLength(1);
    expect(refusal.issues[0]).toMatchObject({ path: 'category' });
    expect(refusal.issues[0]?.message).toContain('leak(누수/방수)');
  });
});

describe('facility-repair assessment', () => {
  it.each([
    ['main-hall', 'ga-general'],
    ['health-center', 'ga-general'],
    ['auxiliary', 'ga-general'],
    ['annex', 'ga-general'],
    ['parking-culture', 'pc-management'],
  ])('%s is handled by %s', (building, team) => {
    // Act
    const assessment = assess({ building, floor: '1F' });

    // Assess
    expect(assessment.handlingTeamId).toBe(team);
  });

  it.each([
    ['urgent', true],
    ['normal', false],
    ['planned', false],
  ] as const)('urgency %s → urgent %s', (urgency, urgent) => {
    // Act
    const assessment = assess({ urgency });

    // Assess
    expect(assessment).toEqual({ urgent, handlingTeamId: 'ga-general' });
  });
});
