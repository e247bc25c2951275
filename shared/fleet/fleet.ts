import * as z from 'zod';
import { seoulDate } from '../kernel/seoul-time.js';

/**
 * The official fleet (공용차량) as data, and the pure rules over it: who may book what, which days
 * a booking touches, when two bookings overlap, and which free vehicle fits best. The store keeps
 * one calendar item per vehicle per Seoul day; these functions decide what goes in it.
 */
export const vehicleSchema = z.object({
  id: z.string().regex(/^V\d{3}$/),
  /** 자동차 등록번호. */
  plate: z.string().min(1),
  /** How the seed registers it: 승용, 승합, 화물, 특수, 임시 (leased, retired and the temporary ambulance). */
  category: z.enum(['passenger', 'van', 'truck', 'special', 'temporary']),
  /** What a booking asks for (the vehicle-booking kind's `classes`). */
  vehicleClass: z.string(),
  size: z.enum(['small', 'mid', 'large']).optional(),
  model: z.string(),
  seats: z.int().positive(),
  /** The department that keeps it (and, for own-unit classes, the only one that may book it). */
  managingDepartmentId: z.string(),
  ownership: z.enum(['owned', 'leased']),
  /** `retired` (불용) vehicles stay on the books but are never assigned. */
  status: z.enum(['active', 'retired']),
  /** The odometer when the vehicle entered this system; trip logs must not go below it. */
  odometerKm: z.int().nonnegative(),
});
export type Vehicle = z.infer<typeof vehicleSchema>;

export const fleetSchema = z
  .array(vehicleSchema)
  .refine((vehicles) => new Set(vehicles.map((v) => v.id)).size === vehicles.length, 'vehicle ids must be unique');

/** A booked window on one vehicle: [from, to), instants as ISO strings. Touching windows do not overlap. */
export interface Interval {
  from: string;
  to: string;
}

/** What a vehicle's calendar day lists per booking (enough for a schedule without reading the requests). */
export interface CalendarEntry extends Interval {
  requestId: string;
  requesterName: string;
  departmentId: string;
}

/** One vehicle's Seoul calendar day: its bookings, and the version every hold is conditioned on. */
export interface CalendarDay {
  vehicleId: string;
  day: string;
  /** 0 when nothing was ever booked that day (the item does not exist yet). */
  version: number;
  entries: CalendarEntry[];
}

export const overlaps = (a: Interval, b: Interval) => Date.parse(a.from) < Date.parse(b.to) && Date.parse(b.from) < Date.parse(a.to);

/** Seoul calendar days an interval touches; an end at exactly midnight does not touch the next day. */
export function seoulDaysOf(interval: Interval): string[] {
  const days: string[] = [];
  const last = seoulDate(new Date(Date.parse(interval.to) - 1));
  for (let day = seoulDate(new Date(interval.from)); day <= last; day = nextDay(day)) days.push(day);
  return days;
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The fleet's booking rules (the vehicle-booking kind's policy): class names, what is never booked, what only its unit books. */
export interface FleetRules {
  classes: Record<string, string>;
  neverBookable: { classes: string[]; statuses: string[] };
  ownUnitOnly: string[];
}

export type Bookability = { bookable: true } | { bookable: false; reason: string };

/** Whether `departmentId` may have `vehicle` assigned: never retired vehicles or ambulances; own-unit classes only by their unit. */
export function bookability(vehicle: Vehicle, policy: FleetRules, departmentId: string): Bookability {
  const className = policy.classes[vehicle.vehicleClass] ?? vehicle.vehicleClass;
  if (policy.neverBookable.statuses.includes(vehicle.status))
    return { bookable: false, reason: `${vehicle.plate}은(는) 불용 처리된 차량이라 배차할 수 없습니다` };
  if (policy.neverBookable.classes.includes(vehicle.vehicleClass))
    return { bookable: false, reason: `${className}(${vehicle.plate})은(는) 배차 대상이 아닙니다` };
  if (policy.ownUnitOnly.includes(vehicle.vehicleClass) && vehicle.managingDepartmentId !== departmentId) {
    return { bookable: false, reason: `${className}(${vehicle.plate})은(는) 관리 부서만 사용할 수 있습니다` };
  }
  return { bookable: true };
}

/** The vehicle's bookings that overlap `interval` (other than `requestId`'s own). */
export function conflictsOf(days: CalendarDay[], interval: Interval, requestId?: string): CalendarEntry[] {
  const seen = new Map<string, CalendarEntry>();
  for (const day of days) {
    for (const entry of day.entries) if (entry.requestId !== requestId && overlaps(entry, interval)) seen.set(entry.requestId, entry);
  }
  return [...seen.values()];
}

/**
 * The order a dispatcher is offered free vehicles in (the first is the suggestion): vehicles the
 * requester's own department keeps, then the fewest seats that still carry everyone, then owned
 * before leased, then the lowest odometer reading, then id.
 */
export function bestFitOrder(vehicles: Vehicle[], need: { passengers: number; departmentId: string }): Vehicle[] {
  return vehicles
    .filter((vehicle) => vehicle.seats >= need.passengers)
    .sort(
      (a, b) =>
        Number(b.managingDepartmentId === need.departmentId) - Number(a.managingDepartmentId === need.departmentId) ||
        a.seats - b.seats ||
        Number(a.ownership === 'leased') - Number(b.ownership === 'leased') ||
        a.odometerKm - b.odometerKm ||
        a.id.localeCompare(b.id),
    );
}

/**
 * The vehicles, of `ordered` (best fit first), that fit exactly as well as the first on everything
 * but wear (same keeping department, seats and ownership). When the suggestion was just taken by a
 * concurrent assignment, the next try picks among these (spreadPick) instead of everyone going for
 * the same next one.
 */
export function equallyFitting(ordered: Vehicle[], need: { departmentId: string }): Vehicle[] {
  const first = ordered[0];
  if (!first) return [];
  const fitOf = (vehicle: Vehicle) => `${vehicle.managingDepartmentId === need.departmentId}|${vehicle.seats}|${vehicle.ownership}`;
  return ordered.filter((vehicle) => fitOf(vehicle) === fitOf(first));
}

/** One of `items`, chosen by a hash of `key` (FNV-1a): different keys spread over the items, the same key always picks the same one. */
export function spreadPick<T>(items: readonly T[], key: string): T | undefined {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return items[hash % Math.max(items.length, 1)];
}
