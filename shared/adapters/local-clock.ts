import type { Clock } from '../ports/system.js';

/**
 * The local runtime's clock, shared in-process with the Lambda bundles it hosts.
 *
 * The runtime and each bundle are separate module instances (bundles are esbuild output imported
 * by file URL), so module state is not shared: the installed clock lives on `globalThis` under a
 * registry symbol, and `sharedLocalClock()` reads it on every call. Time runs `speed` times faster
 * than real time and can be moved forward by hand (tests, demos); it never moves backwards, because
 * history timestamps, link expiries and schedules all assume it does not.
 */
const GLOBAL_KEY: unique symbol = Symbol.for('general-affairs.local-clock');

export interface LocalClockControl extends Clock {
  /** Local milliseconds per real millisecond. */
  readonly speed: number;
  /** anchor + real elapsed × speed + manual offset. */
  now(): Date;
  /** Moves the clock forward by `ms` (≥ 0); returns the new now. */
  advance(ms: number): Date;
  /** Moves the clock forward to `date`; a date before now is refused (RangeError). Returns the new now. */
  set(date: Date): Date;
}

export interface LocalClockOptions {
  /** Positive and finite; 1 is real time, 1440 is one day per real minute. */
  speed: number;
  /** Where local time starts; default: the real now. */
  startAt?: Date;
  /** A monotonic real-time source in ms; default `performance.now`. Tests inject their own. */
  realTime?: () => number;
}

const registry = globalThis as typeof globalThis & { [GLOBAL_KEY]?: LocalClockControl };

/** Installs the process-wide local clock. Throws if one is already installed: two runtimes must not share one unknowingly. */
export function installLocalClock(options: LocalClockOptions): LocalClockControl {
  const { speed } = options;
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`local clock: speed must be a positive finite number, got ${speed}`);
  const startAt = options.startAt ?? new Date();
  if (Number.isNaN(startAt.getTime())) throw new RangeError('local clock: startAt is not a valid date');
  if (registry[GLOBAL_KEY]) throw new Error('local clock: already installed in this process (uninstall it first)');

  const realTime = options.realTime ?? (() => performance.now());
  const anchor = startAt.getTime();
  const realAnchor = realTime();
  let offset = 0;
  const nowMs = () => Math.floor(anchor + (realTime() - realAnchor) * speed + offset);

  const control: LocalClockControl = {
    speed,
    now: () => new Date(nowMs()),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`local clock: can only advance by a finite, non-negative number of ms, got ${ms}`);
      offset += ms;
      return new Date(nowMs());
    },
    set(date) {
      const target = date.getTime();
      if (Number.isNaN(target)) throw new RangeError('local clock: cannot set an invalid date');
      const current = nowMs();
      if (target < current)
        throw new RangeError(`local clock: cannot move backwards from ${new Date(current).toISOString()} to ${date.toISOString()}`);
      offset += target - current;
      return new Date(nowMs());
    },
  };
  registry[GLOBAL_KEY] = control;
  return control;
}

/** Removes `control` if it is the installed clock (a no-op otherwise, so a stale cleanup cannot remove a newer clock). */
export function uninstallLocalClock(control: LocalClockControl): void {
  if (registry[GLOBAL_KEY] === control) delete registry[GLOBAL_KEY];
}

/** A Clock that reads the installed local clock on every call; throws if none is installed. */
export function sharedLocalClock(): Clock {
  return {
    now() {
      const installed = registry[GLOBAL_KEY];
      if (!installed) {
        throw new Error('CLOCK=local but no local clock is installed in this process (only the local runtime installs one)');
      }
      return installed.now();
    },
  };
}
