import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bestFitOrder,
  bookability,
  type CalendarDay,
  type CalendarEntry,
  conflictsOf,
  equallyFitting,
  fleetSchema,
  overlaps,
  seoulDaysOf,
  spreadPick,
  type Vehicle,
} from '../../shared/fleet/fleet.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { vehicleBooking } from '../../shared/requests/kinds/vehicle-booking.js';
import { seedDirectory } from '../fixtures/directory.js';

const rules = vehicleBooking.rulesOf(officePolicy);
const seedFleet = fleetSchema.parse(JSON.parse(readFileSync(new URL('../../infra/local/seed/fleet.json', import.meta.url), 'utf8')));

const countBy = <K extends string>(vehicles: Vehicle[], key: (vehicle: Vehicle) => K) =>
  vehicles.reduce<Record<string, number>>((counts, vehicle) => {
    counts[key(vehicle)] = (counts[key(vehicle)] ?? 0) + 1;
    return counts;
  }, {});

const seedVehicle = (predicate: (vehicle: Vehicle) => boolean) => {
  const vehicle = seedFleet.find(predicate);
  if (!vehicle) throw new Error('seed has no such vehicle');
  return vehicle;
};

const vehicle = (overrides: Partial<Vehicle> & Pick<Vehicle, 'id'>): Vehicle => ({
  plate: `12가 ${overrides.id.slice(1)}0`,
  category: 'passenger',
  vehicleClass: 'passenger-mid',
  size: 'mid',
  model: '현대 쏘나타',
  seats: 5,
  managingDepartmentId: 'general-affairs',
  ownership: 'owned',
  status: 'active',
  odometerKm: 10_000,
  ...overrides,
});

const entry = (requestId: string, from: string, to: string): CalendarEntry => ({
  requestId,
  from,
  to,
  requesterName: '진우석',
  departmentId: 'jobs-economy',
});
const day = (date: string, entries: CalendarEntry[]): CalendarDay => ({ vehicleId: 'V018', day: date, version: entries.length, entries });

describe('the seed fleet (DOMAIN.md §5)', () => {
  it('holds 232 vehicles: 승용 65, 승합 28, 화물 74, 특수 42, 임시 23', () => {
    // Prepare
    const expected = { passenger: 65, van: 28, truck: 74, special: 42, temporary: 23 };

    // Act
    const byCategory = countBy(seedFleet, (v) => v.category);

    // Assess
    expect(seedFleet).toHaveLength(232);
    expect(byCategory).toEqual(expected);
  });

  it('breaks each category down by class as the work report does', () => {
    // Prepare
    const ofCategory = (category: Vehicle['category']) => seedFleet.filter((v) => v.category === category);

    // Act
    const passenger = countBy(ofCategory('passenger'), (v) => v.vehicleClass);
    const van = countBy(ofCategory('van'), (v) => v.vehicleClass);
    const truck = countBy(ofCategory('truck'), (v) => v.vehicleClass);
    const special = countBy(ofCategory('special'), (v) => v.vehicleClass);

    // Assess
    expect(passenger).toEqual({ 'passenger-small': 17, 'passenger-mid': 46, 'passenger-large': 2 });
    expect(van).toEqual({ 'van-mid': 28 });
    expect(truck).toEqual({ 'truck-small': 54, 'truck-mid': 15, 'truck-large': 5 });
    expect(special).toEqual({ 'special-cleaning': 27, 'special-ambulance': 1, 'special-other': 14 });
  });

  it('counts 20 leased passenger cars, 2 retired vehicles and 1 ambulance as temporary', () => {
    // Prepare
    const temporary = seedFleet.filter((v) => v.category === 'temporary');

    // Act
    const leasedPassenger = temporary.filter((v) => v.ownership === 'leased' && v.vehicleClass.startsWith('passenger-') && v.status === 'active');
    const retired = temporary.filter((v) => v.status === 'retired');
    const ambulances = temporary.filter((v) => v.vehicleClass === 'special-ambulance');

    // Assess
    expect(leasedPassenger).toHaveLength(20);
    expect(retired).toHaveLength(2);
    expect(ambulances).toHaveLength(1);
    expect(leasedPassenger.length + retired.length + ambulances.length).toBe(temporary.length);
    expect(seedFleet.filter((v) => v.ownership === 'leased')).toHaveLength(20);
    expect(seedFleet.filter((v) => v.status === 'retired')).toHaveLength(2);
  });

  it('uses only classes the policy names, unique plates, and departments the directory has', () => {
    // Prepare
    const policyClasses = Object.keys(rules.classes);
    const departmentIds = new Set(seedDirectory.departments.map((department) => department.id));

    // Act
    const unknownClasses = seedFleet.filter((v) => !policyClasses.includes(v.vehicleClass)).map((v) => `${v.id}:${v.vehicleClass}`);
    const plates = new Set(seedFleet.map((v) => v.plate));
    const unknownDepartments = seedFleet.filter((v) => !departmentIds.has(v.managingDepartmentId)).map((v) => `${v.id}:${v.managingDepartmentId}`);

    // Assess
    expect(unknownClasses).toEqual([]);
    expect(plates.size).toBe(232);
    expect(unknownDepartments).toEqual([]);
  });

  it('refuses a fleet that lists one vehicle id twice', () => {
    // Prepare
    const duplicated = [vehicle({ id: 'V001' }), vehicle({ id: 'V001', plate: '34나 5678' })];

    // Act
    const result = fleetSchema.safeParse(duplicated);

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('bookability', () => {
  it('refuses a retired (불용) vehicle, saying why in Korean', () => {
    // Prepare
    const retired = seedVehicle((v) => v.status === 'retired');

    // Act
    const result = bookability(retired, rules, retired.managingDepartmentId);

    // Assess
    expect(result).toEqual({ bookable: false, reason: `${retired.plate}은(는) 불용 처리된 차량이라 배차할 수 없습니다` });
  });

  it('refuses every ambulance, even to the department that keeps it', () => {
    // Prepare
    const ambulances = seedFleet.filter((v) => v.vehicleClass === 'special-ambulance');

    // Act
    const results = ambulances.map((ambulance) => bookability(ambulance, rules, ambulance.managingDepartmentId));

    // Assess
    expect(ambulances.map((v) => v.id)).toEqual(['V195', 'V232']);
    expect(results).toEqual(ambulances.map((ambulance) => ({ bookable: false, reason: `구급차(${ambulance.plate})은(는) 배차 대상이 아닙니다` })));
  });

  it('lets only 청소과 book its own cleaning truck', () => {
    // Prepare
    const cleaningTruck = seedVehicle((v) => v.vehicleClass === 'special-cleaning');

    // Act
    const byCleaning = bookability(cleaningTruck, rules, 'cleaning');
    const byGeneralAffairs = bookability(cleaningTruck, rules, 'general-affairs');

    // Assess
    expect(cleaningTruck.managingDepartmentId).toBe('cleaning');
    expect(byCleaning).toEqual({ bookable: true });
    expect(byGeneralAffairs).toEqual({ bookable: false, reason: `청소차(${cleaningTruck.plate})은(는) 관리 부서만 사용할 수 있습니다` });
  });

  it('lets any department book an ordinary mid-size passenger car', () => {
    // Prepare
    const car = seedVehicle((v) => v.vehicleClass === 'passenger-mid' && v.status === 'active' && v.managingDepartmentId === 'general-affairs');

    // Act
    const results = ['general-affairs', 'cleaning', 'jobs-economy'].map((departmentId) => bookability(car, rules, departmentId));

    // Assess
    expect(results).toEqual([{ bookable: true }, { bookable: true }, { bookable: true }]);
  });
});

describe('seoulDaysOf: the Seoul calendar days a booking touches', () => {
  it.each([
    ['a working day', '2026-12-01T09:00:00+09:00', '2026-12-01T18:00:00+09:00', ['2026-12-01']],
    ['an evening ending exactly at Seoul midnight', '2026-12-01T20:00:00+09:00', '2026-12-02T00:00:00+09:00', ['2026-12-01']],
    ['one minute past Seoul midnight', '2026-12-01T20:00:00+09:00', '2026-12-02T00:01:00+09:00', ['2026-12-01', '2026-12-02']],
    ['an overnight trip', '2026-12-01T22:00:00+09:00', '2026-12-02T06:00:00+09:00', ['2026-12-01', '2026-12-02']],
    ['a UTC evening that is already the next Seoul morning', '2026-12-01T23:30:00Z', '2026-12-02T01:00:00Z', ['2026-12-02']],
    ['a three-day trip across a month end', '2026-11-30T08:00:00+09:00', '2026-12-02T19:00:00+09:00', ['2026-11-30', '2026-12-01', '2026-12-02']],
    ["new year's day, given in UTC: Seoul midnight to Seoul midnight", '2026-12-31T15:00:00Z', '2027-01-01T15:00:00Z', ['2027-01-01']],
  ])('%s', (_, from, to, days) => {
    // Act
    const touched = seoulDaysOf({ from, to });

    // Assess
    expect(touched).toEqual(days);
  });
});

describe('overlaps: bookings hold [from, to)', () => {
  const morning = { from: '2026-12-01T09:00:00+09:00', to: '2026-12-01T12:00:00+09:00' };

  it('lets back-to-back bookings share the hand-over instant', () => {
    // Prepare
    const afternoon = { from: morning.to, to: '2026-12-01T18:00:00+09:00' };

    // Act
    const results = [overlaps(morning, afternoon), overlaps(afternoon, morning)];

    // Assess
    expect(results).toEqual([false, false]);
  });

  it('treats one shared minute as an overlap, either way round', () => {
    // Prepare
    const early = { from: '2026-12-01T11:59:00+09:00', to: '2026-12-01T18:00:00+09:00' };

    // Act
    const results = [overlaps(morning, early), overlaps(early, morning)];

    // Assess
    expect(results).toEqual([true, true]);
  });

  it('treats containment as an overlap, either way round', () => {
    // Prepare
    const inside = { from: '2026-12-01T10:00:00+09:00', to: '2026-12-01T11:00:00+09:00' };

    // Act
    const results = [overlaps(morning, inside), overlaps(inside, morning), overlaps(morning, morning)];

    // Assess
    expect(results).toEqual([true, true, true]);
  });

  it('compares instants, not strings, across offsets', () => {
    // Prepare
    const sameMorningInUtc = { from: '2026-12-01T02:59:00Z', to: '2026-12-01T04:00:00Z' };
    const touchingInUtc = { from: '2026-12-01T03:00:00Z', to: '2026-12-01T04:00:00Z' };

    // Act
    const results = [overlaps(morning, sameMorningInUtc), overlaps(morning, touchingInUtc)];

    // Assess
    expect(results).toEqual([true, false]);
  });
});

describe('conflictsOf', () => {
  const overnight = entry('R-1', '2026-12-01T20:00:00+09:00', '2026-12-02T08:00:00+09:00');
  const nextMorning = entry('R-2', '2026-12-02T09:00:00+09:00', '2026-12-02T12:00:00+09:00');
  const calendar = [day('2026-12-01', [overnight]), day('2026-12-02', [overnight, nextMorning])];

  it('lists each overlapping booking once, even when it spans several days', () => {
    // Prepare
    const wanted = { from: '2026-12-01T23:00:00+09:00', to: '2026-12-02T10:00:00+09:00' };

    // Act
    const conflicts = conflictsOf(calendar, wanted);

    // Assess
    expect(conflicts).toEqual([overnight, nextMorning]);
  });

  it("ignores the request's own booking (a revision re-holding its vehicle)", () => {
    // Prepare
    const wanted = { from: '2026-12-01T23:00:00+09:00', to: '2026-12-02T10:00:00+09:00' };

    // Act
    const conflicts = conflictsOf(calendar, wanted, 'R-1');

    // Assess
    expect(conflicts).toEqual([nextMorning]);
  });

  it('finds nothing for a window that only touches the bookings', () => {
    // Prepare
    const between = { from: '2026-12-02T08:00:00+09:00', to: '2026-12-02T09:00:00+09:00' };

    // Act
    const conflicts = conflictsOf(calendar, between);

    // Assess
    expect(conflicts).toEqual([]);
  });
});

describe('bestFitOrder: the order free vehicles are offered in', () => {
  it('leaves out vehicles with fewer seats than passengers', () => {
    // Prepare
    const vehicles = [vehicle({ id: 'V001', seats: 4 }), vehicle({ id: 'V002', seats: 5 }), vehicle({ id: 'V003', seats: 12 })];

    // Act
    const order = bestFitOrder(vehicles, { passengers: 5, departmentId: 'jobs-economy' });

    // Assess
    expect(order.map((v) => v.id)).toEqual(['V002', 'V003']);
  });

  it("offers the requester's own department's vehicle first, even when it is larger", () => {
    // Prepare
    const vehicles = [vehicle({ id: 'V001', seats: 5 }), vehicle({ id: 'V002', seats: 12, managingDepartmentId: 'jobs-economy' })];

    // Act
    const order = bestFitOrder(vehicles, { passengers: 2, departmentId: 'jobs-economy' });

    // Assess
    expect(order.map((v) => v.id)).toEqual(['V002', 'V001']);
  });

  it('then the fewest seats, then owned before leased, then the lowest odometer, then id', () => {
    // Prepare
    const vehicles = [
      vehicle({ id: 'V006', seats: 12, odometerKm: 1 }),
      vehicle({ id: 'V005', seats: 5, ownership: 'leased', odometerKm: 1 }),
      vehicle({ id: 'V004', seats: 5, odometerKm: 90_000 }),
      vehicle({ id: 'V003', seats: 5, odometerKm: 30_000 }),
      vehicle({ id: 'V002', seats: 5, odometerKm: 30_000 }),
      vehicle({ id: 'V001', seats: 9, odometerKm: 1 }),
    ];

    // Act
    const order = bestFitOrder(vehicles, { passengers: 3, departmentId: 'jobs-economy' });

    // Assess
    expect(order.map((v) => v.id)).toEqual(['V002', 'V003', 'V004', 'V005', 'V001', 'V006']);
  });

  it('does not reorder the list it was given', () => {
    // Prepare
    const vehicles = [vehicle({ id: 'V002', seats: 9 }), vehicle({ id: 'V001', seats: 5 })];

    // Act
    bestFitOrder(vehicles, { passengers: 1, departmentId: 'jobs-economy' });

    // Assess
    expect(vehicles.map((v) => v.id)).toEqual(['V002', 'V001']);
  });
});

describe('when the suggestion was just taken: the retry spreads over the vehicles that fit as well', () => {
  it('keeps only the vehicles as good as the best on department, seats and ownership (odometer aside)', () => {
    // Prepare
    const ordered = bestFitOrder(
      [
        vehicle({ id: 'V001', odometerKm: 5_000 }),
        vehicle({ id: 'V002', odometerKm: 80_000 }),
        vehicle({ id: 'V003', seats: 9 }),
        vehicle({ id: 'V004', ownership: 'leased' }),
        vehicle({ id: 'V005', odometerKm: 40_000 }),
      ],
      { passengers: 2, departmentId: 'jobs-economy' },
    );

    // Act
    const equal = equallyFitting(ordered, { departmentId: 'jobs-economy' });

    // Assess: a bigger or a leased car is never the fallback while an equal one is free.
    expect(equal.map((v) => v.id)).toEqual(['V001', 'V005', 'V002']);
    expect(equallyFitting([], { departmentId: 'jobs-economy' })).toEqual([]);
  });

  it("a department's own vehicle is not equal to a pool vehicle of the same size", () => {
    // Prepare
    const ordered = bestFitOrder([vehicle({ id: 'V001' }), vehicle({ id: 'V002', managingDepartmentId: 'jobs-economy' })], {
      passengers: 2,
      departmentId: 'jobs-economy',
    });

    // Act + Assess
    expect(equallyFitting(ordered, { departmentId: 'jobs-economy' }).map((v) => v.id)).toEqual(['V002']);
  });

  it("200 racers' retries land on every one of 10 equal vehicles, and one racer's retry always picks the same", () => {
    // Prepare
    const ids = Array.from({ length: 10 }, (_, i) => `V${String(i + 1).padStart(3, '0')}`);

    // Act
    const picks = Array.from({ length: 200 }, (_, i) => spreadPick(ids, `VB-${String(i).padStart(4, '0')}#2`));

    // Assess: no vehicle gets more than a quarter of the racers (an even spread gives 20 each).
    const counts = new Map<string | undefined, number>();
    for (const id of picks) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(ids);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(50);
    expect(spreadPick(ids, 'VB-0007#2')).toBe(picks[7]);
    expect(spreadPick([], 'VB-0007#2')).toBeUndefined();
  });
});
