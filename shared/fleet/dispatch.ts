import { ConflictError, InvalidStateError, UnprocessableError, ValidationError } from '../kernel/errors.js';
import { formatSeoulDateTime } from '../kernel/seoul-time.js';
import type { CalendarHold, FleetStore } from '../ports/fleet-store.js';
import {
  bestFitOrder,
  bookability,
  type CalendarDay,
  conflictsOf,
  equallyFitting,
  type FleetRules,
  type Interval,
  seoulDaysOf,
  spreadPick,
  type Vehicle,
} from './fleet.js';

/** What a booking needs from the fleet: a class, seats, a window, for a department. */
export interface VehicleNeed {
  requestId?: string;
  vehicleClass: string;
  passengers: number;
  departmentId: string;
  window: Interval;
}

export class NoVehicleFreeError extends ConflictError {}

/**
 * The vehicles of the need's class free for its window, best fit first, each with the calendar
 * days that showed it free (a hold is conditioned on exactly those).
 */
export async function freeVehicles(
  fleet: FleetStore,
  vehicles: Vehicle[],
  need: VehicleNeed,
  rules: FleetRules,
): Promise<{ vehicle: Vehicle; calendar: CalendarDay[] }[]> {
  const candidates = bestFitOrder(
    vehicles.filter((vehicle) => vehicle.vehicleClass === need.vehicleClass && bookability(vehicle, rules, need.departmentId).bookable),
    { passengers: need.passengers, departmentId: need.departmentId },
  );
  const calendar = await fleet.calendar(
    candidates.map((vehicle) => vehicle.id),
    seoulDaysOf(need.window),
  );
  return candidates.flatMap((vehicle) => {
    const days = calendar.filter((day) => day.vehicleId === vehicle.id);
    return conflictsOf(days, need.window, need.requestId).length === 0 ? [{ vehicle, calendar: days }] : [];
  });
}

const className = (rules: FleetRules, vehicleClass: string) => rules.classes[vehicleClass] ?? vehicleClass;

/**
 * 배차: the vehicle a dispatcher names, checked (bookable by the department, seats, free), or the
 * suggestion (the best-fitting free one). `attempt` > 1 means a concurrent assignment just took a
 * calendar day first: instead of every loser going for the same next-best vehicle, a retry picks,
 * by a hash of the request and the attempt, among those that fit as well. Returns the vehicle and
 * the holds on its calendar days, conditioned on the versions read here.
 */
export async function assignVehicle(input: {
  fleet: FleetStore;
  rules: FleetRules;
  need: VehicleNeed & { requestId: string; requesterName: string };
  vehicleId?: string;
  attempt: number;
  now: Date;
}): Promise<{ vehicle: Vehicle; hold: CalendarHold[] }> {
  const { fleet, rules, need, vehicleId, attempt, now } = input;
  const { window } = need;
  if (Date.parse(window.from) <= now.getTime()) {
    throw new InvalidStateError(`출발 시각(${formatSeoulDateTime(window.from)})이 지나 배차할 수 없습니다. 반려해 주세요.`);
  }
  const vehicles = await fleet.vehicles();
  let chosen: { vehicle: Vehicle; calendar: CalendarDay[] };
  if (vehicleId) {
    const vehicle = vehicles.find((candidate) => candidate.id === vehicleId);
    if (!vehicle)
      throw new ValidationError(`차량 ${vehicleId}을(를) 찾을 수 없습니다.`, [
        { path: 'vehicleId', message: '차량 목록의 id(예: V031)를 입력하세요' },
      ]);
    const allowed = bookability(vehicle, rules, need.departmentId);
    if (!allowed.bookable) throw new UnprocessableError(`${allowed.reason}.`);
    if (vehicle.seats < need.passengers) {
      throw new ValidationError(`${vehicle.plate}의 정원(${vehicle.seats}명)이 탑승 인원(${need.passengers}명)보다 적습니다.`, [
        { path: 'vehicleId', message: '정원이 충분한 차량을 지정하세요' },
      ]);
    }
    const calendar = await fleet.calendar([vehicle.id], seoulDaysOf(window));
    const taken = conflictsOf(calendar, window, need.requestId);
    if (taken.length > 0) {
      const bookings = taken.map((entry) => `${entry.requestId} ${formatSeoulDateTime(entry.from)}~${formatSeoulDateTime(entry.to)}`).join(', ');
      throw new ConflictError(`${vehicle.plate}(${vehicle.id})은(는) 그 시간에 이미 배차되어 있습니다: ${bookings}`);
    }
    chosen = { vehicle, calendar };
  } else {
    const free = await freeVehicles(fleet, vehicles, need, rules);
    const first = free[0];
    if (!first) {
      throw new NoVehicleFreeError(
        `요청한 시간(${formatSeoulDateTime(window.from)}~${formatSeoulDateTime(window.to)})에 비어 있는 ${className(rules, need.vehicleClass)} 차량이 없습니다. ` +
          '다른 차량을 지정(vehicleId)하거나 반려해 주세요.',
      );
    }
    const spread =
      attempt > 1
        ? spreadPick(
            equallyFitting(
              free.map(({ vehicle }) => vehicle),
              { departmentId: need.departmentId },
            ),
            `${need.requestId}#${attempt}`,
          )
        : undefined;
    chosen = free.find(({ vehicle }) => vehicle.id === spread?.id) ?? first;
  }
  const entry = { requestId: need.requestId, ...window, requesterName: need.requesterName, departmentId: need.departmentId };
  return {
    vehicle: chosen.vehicle,
    hold: chosen.calendar.map((day) => ({ vehicleId: chosen.vehicle.id, day: day.day, expectedVersion: day.version, entry })),
  };
}

/** How many free vehicles the dispatcher's page lists. */
const HINTED_VEHICLES = 8;

/** For the dispatcher's decision page: the vehicles free for the booking right now, the suggestion first. */
export async function dispatchHints(fleet: FleetStore, rules: FleetRules, need: VehicleNeed): Promise<string[]> {
  const free = await freeVehicles(fleet, await fleet.vehicles(), need, rules);
  if (free.length === 0)
    return [`요청한 시간에 비어 있는 ${className(rules, need.vehicleClass)} 차량이 없습니다. 다른 차종의 차량 id를 입력하거나 반려하세요.`];
  return free
    .slice(0, HINTED_VEHICLES)
    .map(({ vehicle }, i) => `${i === 0 ? '추천 ' : ''}${vehicle.id} ${vehicle.plate} ${vehicle.model} (${vehicle.seats}인승)`);
}
