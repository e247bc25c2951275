import * as z from 'zod';
import type { LocalClockControl } from '../../shared/adapters/local-clock.js';
import { faultSchema, faults } from './faults.js';
import { type ScheduleRunner, UnknownRuleError } from './schedule-runner.js';
import { resetUsage, usage } from './usage-meter.js';

/**
 * Local-only control endpoints for tests and demos, served beside the API but not part of the CDK
 * template (nothing like them exists in AWS):
 *
 *   GET  /_local/clock             → { now, speed }
 *   POST /_local/clock             { "advance": "P1DT2H" } | { "set": "2026-03-02T09:00:00+09:00" } → { now }
 *   GET  /_local/schedules         → { schedules: [{ rule, expression, next }] }
 *   GET  /_local/usage             → what flows used since the last reset (benchmarks; see usage-meter.ts)
 *   POST /_local/usage/reset       → the usage before the reset
 *   POST /_local/schedules/run     { "rule"?: "<logical id>" } → { ran: [{ rule, target, ok, error? }] }
 *   GET  /_local/faults            → { faults: [{ target, kind, operations?, times?, hits }] }
 *   POST /_local/faults            { "faults": [{ "target": "dynamodb", "kind": "throttle", "operations"?: [...], "times"?: n }] }
 *   DELETE /_local/faults          → the faults that were set, with how many calls each failed
 */
export const LOCAL_CONTROL_PREFIX = '/_local/';

export interface LocalControlOptions {
  clock: LocalClockControl;
  schedules: Pick<ScheduleRunner, 'runNow' | 'check' | 'upcoming'>;
  /** Called after the clock moved by hand (the runtime persists it). */
  onClockMoved?(now: Date): Promise<void>;
}

export interface LocalControlRequest {
  method: string;
  path: string;
  body: Buffer;
}

export interface LocalControlResponse {
  status: number;
  body: unknown;
}

const clockChangeSchema = z.union([z.strictObject({ advance: z.string() }), z.strictObject({ set: z.iso.datetime({ offset: true }) })]);
const runSchema = z.strictObject({ rule: z.string().min(1).optional() });
const faultsSchema = z.strictObject({ faults: z.array(faultSchema) });

class BadRequest extends Error {}

const HOUR = 3_600_000;
const DURATION_UNITS_MS = { W: 7 * 24 * HOUR, D: 24 * HOUR, H: HOUR, M: 60_000, S: 1000 } as const;

/**
 * An ISO-8601 duration in weeks, days, hours, minutes and seconds (`PT3H`, `P2D`, `P1DT2H`, `PT0.5S`),
 * in milliseconds. Years and months have no fixed length, so they are refused rather than guessed.
 */
export function parseIsoDuration(text: string): number {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    if (/^P\d/.test(text) && /[YM]/.test(text.split('T')[0] ?? '')) {
      throw new BadRequest('연·월 단위는 길이가 일정하지 않아 쓸 수 없습니다. 일 단위로 적어 주세요 (예: P30D)');
    }
    throw new BadRequest(`"${text}"은(는) ISO-8601 기간이 아닙니다 (예: PT3H, P2D, P1DT2H)`);
  }
  const [, weeks, days, hours, minutes, seconds] = match;
  const parts: [string | undefined, number][] = [
    [weeks, DURATION_UNITS_MS.W],
    [days, DURATION_UNITS_MS.D],
    [hours, DURATION_UNITS_MS.H],
    [minutes, DURATION_UNITS_MS.M],
    [seconds, DURATION_UNITS_MS.S],
  ];
  return Math.round(parts.reduce((total, [value, unit]) => total + (value === undefined ? 0 : Number(value) * unit), 0));
}

function jsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new BadRequest('본문이 올바른 JSON이 아닙니다');
  }
}

export function makeLocalControl(options: LocalControlOptions) {
  const { clock } = options;

  const setClock = (target: Date): Date => {
    try {
      return clock.set(target);
    } catch (error) {
      // An accelerated clock can pass the target between the check above and here.
      if (error instanceof RangeError)
        throw new BadRequest(`시계를 뒤로 돌릴 수 없습니다 (현재 ${clock.now().toISOString()}, 요청 ${target.toISOString()})`);
      throw error;
    }
  };

  const moveClock = async (raw: unknown): Promise<LocalControlResponse> => {
    const parsed = clockChangeSchema.safeParse(raw);
    if (!parsed.success) {
      throw new BadRequest(
        '본문은 {"advance": "<ISO-8601 기간, 예: PT3H>"} 또는 {"set": "<시간대가 있는 ISO 날짜·시각, 예: 2026-03-02T09:00:00+09:00>"} 중 하나여야 합니다',
      );
    }
    const change = parsed.data;
    const current = clock.now();
    const target = 'advance' in change ? new Date(current.getTime() + parseIsoDuration(change.advance)) : new Date(change.set);
    if (Number.isNaN(target.getTime())) throw new BadRequest('기간이 너무 깁니다');
    if (target < current) throw new BadRequest(`시계를 뒤로 돌릴 수 없습니다 (현재 ${current.toISOString()}, 요청 ${target.toISOString()})`);
    // Advancing adds to the clock (time keeps running meanwhile); setting lands exactly on the date.
    const now = 'advance' in change ? clock.advance(target.getTime() - current.getTime()) : setClock(target);
    await options.onClockMoved?.(now);
    // Rules the jump made due fire right away rather than at the next tick.
    options.schedules.check();
    return { status: 200, body: { now: now.toISOString() } };
  };

  const runSchedules = async (raw: unknown): Promise<LocalControlResponse> => {
    const parsed = runSchema.safeParse(raw ?? {});
    if (!parsed.success) throw new BadRequest('본문은 비어 있거나 {"rule": "<규칙의 논리 ID>"} 이어야 합니다');
    try {
      return { status: 200, body: { ran: await options.schedules.runNow(parsed.data.rule) } };
    } catch (error) {
      if (error instanceof UnknownRuleError) {
        return {
          status: 404,
          body: { message: `켜져 있는 예약 규칙 ${error.rule}이(가) 없습니다 (있는 규칙: ${error.known.join(', ') || '없음'})` },
        };
      }
      throw error;
    }
  };

  /** Answers a `/_local/...` request, or returns undefined for any other path. */
  return async function handle(request: LocalControlRequest): Promise<LocalControlResponse | undefined> {
    if (!request.path.startsWith(LOCAL_CONTROL_PREFIX)) return undefined;
    const route = `${request.method} ${request.path}`;
    try {
      switch (route) {
        case 'GET /_local/clock':
          return { status: 200, body: { now: clock.now().toISOString(), speed: clock.speed } };
        case 'POST /_local/clock':
          return await moveClock(jsonBody(request.body));
        case 'POST /_local/schedules/run':
          return await runSchedules(jsonBody(request.body));
        case 'GET /_local/usage':
          return { status: 200, body: usage() };
        case 'POST /_local/usage/reset':
          return { status: 200, body: resetUsage() };
        case 'GET /_local/faults':
          return { status: 200, body: { faults: faults.list() } };
        case 'POST /_local/faults': {
          const parsed = faultsSchema.safeParse(jsonBody(request.body));
          if (!parsed.success)
            throw new BadRequest(`본문은 {"faults": [{"target": "dynamodb"|"sfn", "kind": "throttle"|"outage", ...}]} 이어야 합니다`);
          faults.set(parsed.data.faults);
          return { status: 200, body: { faults: faults.list() } };
        }
        case 'DELETE /_local/faults':
          return { status: 200, body: { faults: faults.clear() } };
        case 'GET /_local/schedules':
          return {
            status: 200,
            body: {
              schedules: options.schedules.upcoming().map(({ rule, expression, next }) => ({ rule, expression, next: next?.toISOString() ?? null })),
            },
          };
        default:
          return ['/_local/clock', '/_local/schedules/run', '/_local/faults'].includes(request.path)
            ? { status: 405, body: { message: '허용되지 않는 메서드입니다' } }
            : { status: 404, body: { message: 'Not Found' } };
      }
    } catch (error) {
      if (error instanceof BadRequest) return { status: 400, body: { message: error.message } };
      throw error;
    }
  };
}
