import * as z from 'zod';
import { type CalendarDay, type Vehicle, vehicleSchema } from '../../fleet/fleet.js';
import type { CalendarHold, CalendarRelease, OdometerReading } from '../../ports/fleet-store.js';
import type { GuardedItem } from './transact.js';

/**
 * The fleet, one partition (`FLEET` / `VEHICLE#<id>`, 232 small items: one Query lists it), and per
 * vehicle its calendar, one item per Seoul day (`VEHICLE#<id>` / `DAY#<date>`: that day's bookings
 * and a version every hold is conditioned on, so "no overlap" is checked on one read and enforced
 * on the same items), and its odometer (`VEHICLE#<id>` / `ODOMETER`: the last reading).
 */
export const fleetPartition = 'FLEET';
export const vehiclePrefix = 'VEHICLE#';
export const vehicleKey = (id: string) => ({ pk: fleetPartition, sk: `${vehiclePrefix}${id}` });
export const vehicleItem = (vehicle: Vehicle) => ({ ...vehicleKey(vehicle.id), ...vehicle });
export const readVehicle = (item: Record<string, unknown>): Vehicle => vehicleSchema.parse(item);

export const calendarDayKey = (vehicleId: string, day: string) => ({ pk: `VEHICLE#${vehicleId}`, sk: `DAY#${day}` });

const calendarItemSchema = z.object({
  vehicleId: z.string(),
  day: z.string(),
  version: z.int().nonnegative(),
  bookings: z.record(z.string(), z.object({ from: z.string(), to: z.string(), requesterName: z.string(), departmentId: z.string() })).default({}),
});

export function readCalendarDay(item: Record<string, unknown>): CalendarDay {
  const parsed = calendarItemSchema.parse(item);
  return {
    vehicleId: parsed.vehicleId,
    day: parsed.day,
    version: parsed.version,
    entries: Object.entries(parsed.bookings)
      .map(([requestId, entry]) => ({ requestId, ...entry }))
      .sort((a, b) => a.from.localeCompare(b.from)),
  };
}

/** Adds a booking to a day, only if the day is still at the version it was read at (0: no item yet). */
export function holdDay(tableName: string, hold: CalendarHold): GuardedItem {
  const Key = calendarDayKey(hold.vehicleId, hold.day);
  const { requestId, ...entry } = hold.entry;
  return {
    guard: { entity: 'calendar' },
    item:
      hold.expectedVersion === 0
        ? {
            Put: {
              TableName: tableName,
              Item: { ...Key, vehicleId: hold.vehicleId, day: hold.day, version: 1, bookings: { [requestId]: entry } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          }
        : {
            Update: {
              TableName: tableName,
              Key,
              UpdateExpression: 'SET bookings.#request = :entry, version = :next',
              ConditionExpression: 'version = :expected',
              ExpressionAttributeNames: { '#request': requestId },
              ExpressionAttributeValues: { ':entry': entry, ':next': hold.expectedVersion + 1, ':expected': hold.expectedVersion },
            },
          },
  };
}

/** Removes a booking from a day; bumping the version makes any hold decided on the old list try again on the new one. */
export function releaseDay(tableName: string, release: CalendarRelease): GuardedItem {
  return {
    guard: { entity: 'calendar' },
    item: {
      Update: {
        TableName: tableName,
        Key: calendarDayKey(release.vehicleId, release.day),
        UpdateExpression: 'REMOVE bookings.#request ADD version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#request': release.requestId },
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
  };
}

export const odometerKey = (vehicleId: string) => ({ pk: `VEHICLE#${vehicleId}`, sk: 'ODOMETER' });
export const readOdometer = (item: Record<string, unknown>): OdometerReading =>
  z.object({ km: z.int(), requestId: z.string().optional(), recordedAt: z.string().optional() }).parse(item);

/** A trip log's reading: accepted only if it does not start below the vehicle's last one. */
export function advanceOdometer(
  tableName: string,
  odometer: { vehicleId: string; start: number; end: number; requestId: string; at: string },
): GuardedItem {
  return {
    guard: { entity: 'odometer' },
    item: {
      Update: {
        TableName: tableName,
        Key: odometerKey(odometer.vehicleId),
        UpdateExpression: 'SET km = :end, requestId = :request, recordedAt = :at',
        ConditionExpression: 'attribute_not_exists(km) OR km <= :start',
        ExpressionAttributeValues: { ':end': odometer.end, ':start': odometer.start, ':request': odometer.requestId, ':at': odometer.at },
      },
    },
  };
}
