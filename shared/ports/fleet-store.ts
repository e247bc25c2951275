import type { CalendarDay, CalendarEntry, Vehicle } from '../fleet/fleet.js';

/** The fleet and its calendars, and what a request's change does to them. */

export interface CalendarHold {
  vehicleId: string;
  day: string;
  /** The day's version when it was read (0: no item yet). */
  expectedVersion: number;
  entry: CalendarEntry;
}

export interface CalendarRelease {
  vehicleId: string;
  day: string;
  requestId: string;
}

/** A vehicle's latest odometer reading (the seed's figure until the first trip log). */
export interface OdometerReading {
  km: number;
  requestId?: string;
  recordedAt?: string;
}

/** The fleet and its calendars (reads; holds and releases go with the request's change). */
export interface FleetStore {
  vehicles(): Promise<Vehicle[]>;
  vehicle(id: string): Promise<Vehicle | undefined>;
  /** The calendar days of these vehicles (strongly consistent: a hold is conditioned on what this read). */
  calendar(vehicleIds: string[], days: string[]): Promise<CalendarDay[]>;
  /** A vehicle's calendar days from `fromDay` to `toDay`, inclusive. */
  schedule(vehicleId: string, fromDay: string, toDay: string): Promise<CalendarDay[]>;
  lastReading(vehicleId: string): Promise<OdometerReading | undefined>;
}

export class CalendarChangedError extends Error {
  override name = 'CalendarChangedError';
}

export class OdometerBackwardsError extends Error {
  override name = 'OdometerBackwardsError';
}
