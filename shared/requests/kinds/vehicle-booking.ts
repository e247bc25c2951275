import * as z from 'zod';
import { assignVehicle, dispatchHints } from '../../fleet/dispatch.js';
import { bookability, type Interval, seoulDaysOf } from '../../fleet/fleet.js';
import { UnprocessableError, ValidationError } from '../../kernel/errors.js';
import { formatSeoulDateTime, instantOf } from '../../kernel/seoul-time.js';
import { optionalText, parseOrThrow, text } from '../../kernel/validation.js';
import { defineKind } from '../kind.js';

const DAY_MS = 86_400_000;
/** A missing trip log is reminded this many times, then left to the dispatch officers' list. */
const MAX_TRIP_LOG_REMINDERS = 3;

/** A date-time as submitted: with an offset, or without one, meaning Seoul time. */
const seoulDateTime = (label: string) =>
  z.iso.datetime({
    offset: true,
    local: true,
    error: `${label}은(는) 2026-12-01T09:00:00+09:00 같은 ISO 날짜·시각이어야 합니다 (시간대를 빼면 서울 시각)`,
  });

const details = z
  .object({
    vehicleClass: z.string({ error: '차종(vehicleClass)을 입력하세요' }),
    from: seoulDateTime('출발 시각(from)'),
    to: seoulDateTime('반납 시각(to)'),
    purpose: text('운행 목적(purpose)', 500),
    destination: text('행선지(destination)', 200),
    passengers: z
      .int({ error: '탑승 인원(passengers)은 정수여야 합니다' })
      .min(1, { error: '탑승 인원(passengers)은 1명 이상이어야 합니다' })
      .max(60, { error: '탑승 인원(passengers)이 너무 많습니다' }),
  })
  .strict();

export type VehicleBookingDetails = z.infer<typeof details>;

const rules = z.object({
  /** Every vehicle class of the fleet, with the Korean name people see. */
  classes: z.record(z.string(), z.string()),
  /** Never assigned to a booking: these classes (ambulances) and these statuses (retired, 불용). */
  neverBookable: z.object({ classes: z.array(z.string()), statuses: z.array(z.string()) }),
  /** Classes only their managing department may book (cleaning trucks). */
  ownUnitOnly: z.array(z.string()),
  /** The longest booking, in days. */
  maxSpanDays: z.int().positive(),
  /** How far ahead a booking may start, in days. */
  maxAdvanceDays: z.int().positive(),
  /** Days after a trip ends that a missing trip log (운행일지) is reminded, and again every as many days. */
  tripLogDueDays: z.int().positive(),
});

export type VehicleBookingRules = z.infer<typeof rules>;

/** The assignment: the vehicle held for [from, to) since `assignedAt`. */
const bookingSchema = z.object({
  vehicleId: z.string(),
  plate: z.string(),
  from: z.string(),
  to: z.string(),
  assignedBy: z.string(),
  assignedAt: z.string(),
  /** The dispatcher accepted the system's suggestion rather than naming a vehicle. */
  suggested: z.boolean(),
  /** When the hold was given back (withdrawn, rejected, cancelled, failed). */
  releasedAt: z.string().optional(),
});

/** 운행일지: the odometer out and in (km) and fuel, recorded after the trip. */
const tripLogSchema = z.object({
  odometerStart: z.int().nonnegative(),
  odometerEnd: z.int().nonnegative(),
  distanceKm: z.int().nonnegative(),
  fuelLiters: z.number().nonnegative(),
  recordedBy: z.string(),
  recordedAt: z.string(),
});

/** The window a booking asks for, as instants. */
export const windowOf = (details: Pick<VehicleBookingDetails, 'from' | 'to'>): Interval => ({
  from: instantOf(details.from),
  to: instantOf(details.to),
});

const className = (rules: VehicleBookingRules, vehicleClass: string) => rules.classes[vehicleClass] ?? vehicleClass;
const dispatchForm = z.object({ vehicleId: optionalText('차량(vehicleId)', 10) });

/**
 * 공용차량 배차: a class of vehicle for a window. The requester's team leader agrees to the trip;
 * 총무팀's dispatcher assigns a vehicle (the `vehicle-dispatch` step input), which holds it for the
 * window from that moment. After the trip, the requester files the trip log (운행일지); a missing one
 * is reminded. A 반려 is final (the policy's `rejection`).
 */
export const vehicleBooking = defineKind({
  id: 'vehicle-booking',
  label: '공용차량 배차',
  description: 'official vehicle booking',
  details,
  rules,
  state: { booking: bookingSchema.optional(), tripLog: tripLogSchema.optional() },
  newRound: () => ({ booking: undefined }),
  privacy: { sensitive: false },
  lifecycle: { statuses: { completed: '완료', cancelled: '취소' }, moves: { approved: ['completed', 'cancelled'] } },
  async validate(details, { requester, fleet, rules }) {
    if (!Object.hasOwn(rules.classes, details.vehicleClass) || rules.neverBookable.classes.includes(details.vehicleClass)) return; // assess says why
    const vehicles = (await fleet.vehicles()).filter(
      (vehicle) => vehicle.vehicleClass === details.vehicleClass && bookability(vehicle, rules, requester.departmentId).bookable,
    );
    const className = rules.classes[details.vehicleClass];
    if (vehicles.length === 0) {
      throw new UnprocessableError(`${className}은(는) 소속 부서에서 배차받을 수 있는 차량이 없습니다 (관리 부서 전용 차종).`);
    }
    const seats = Math.max(...vehicles.map((vehicle) => vehicle.seats));
    if (details.passengers > seats) {
      throw new ValidationError(`${className} 차량의 최대 정원은 ${seats}명입니다.`, [
        { path: 'passengers', message: `${seats}명 이하로 입력하거나 더 큰 차종을 신청하세요` },
      ]);
    }
  },
  assess(details, { now, rules }) {
    if (!Object.hasOwn(rules.classes, details.vehicleClass)) {
      throw new ValidationError('차종(vehicleClass)이 올바르지 않습니다.', [
        {
          path: 'vehicleClass',
          message: `${Object.entries(rules.classes)
            .filter(([code]) => !rules.neverBookable.classes.includes(code))
            .map(([code, label]) => `${code}(${label})`)
            .join(', ')} 중 하나여야 합니다`,
        },
      ]);
    }
    if (rules.neverBookable.classes.includes(details.vehicleClass)) {
      throw new UnprocessableError(`${rules.classes[details.vehicleClass]}은(는) 배차 대상이 아닙니다.`);
    }
    const window = windowOf(details);
    if (window.to <= window.from) {
      throw new ValidationError('반납 시각(to)은 출발 시각(from)보다 뒤여야 합니다.', [
        { path: 'to', message: '출발 시각보다 뒤의 시각을 입력하세요' },
      ]);
    }
    if (Date.parse(window.to) - Date.parse(window.from) > rules.maxSpanDays * DAY_MS) {
      throw new ValidationError(`한 번에 최대 ${rules.maxSpanDays}일까지 배차받을 수 있습니다.`, [
        { path: 'to', message: `출발부터 ${rules.maxSpanDays}일 이내여야 합니다` },
      ]);
    }
    if (Date.parse(window.from) < now.getTime()) {
      throw new ValidationError('지난 시각으로는 배차를 신청할 수 없습니다.', [
        { path: 'from', message: `현재(${formatSeoulDateTime(now.toISOString())}) 이후여야 합니다` },
      ]);
    }
    if (Date.parse(window.from) > now.getTime() + rules.maxAdvanceDays * DAY_MS) {
      throw new ValidationError(`배차는 ${rules.maxAdvanceDays}일 앞까지만 신청할 수 있습니다.`, [
        { path: 'from', message: `오늘부터 ${rules.maxAdvanceDays}일 이내여야 합니다` },
      ]);
    }
    return {};
  },
  summarize(details, rules) {
    const window = windowOf(details);
    return [
      ['차종', className(rules, details.vehicleClass)],
      ['기간', `${formatSeoulDateTime(window.from)} ~ ${formatSeoulDateTime(window.to)}`],
      ['행선지', details.destination],
      ['운행 목적', details.purpose],
      ['탑승 인원', `${details.passengers}명`],
    ];
  },
  progress: (request) => (request.booking ? [['배정 차량', `${request.booking.plate} (${request.booking.vehicleId})`]] : []),
  outcome: (request) => ({
    lines:
      request.booking && !request.booking.releasedAt
        ? [
            ['배정 차량', `${request.booking.plate} (${request.booking.vehicleId})`],
            ['사용 기간', `${formatSeoulDateTime(request.booking.from)} ~ ${formatSeoulDateTime(request.booking.to)}`],
          ]
        : [],
    next: request.booking ? '운행 후에는 운행일지(출발·도착 계기판, 주유량)를 제출해 주세요.' : undefined,
  }),
  afterApproval(request, { rules }) {
    if (!request.booking) throw new Error(`approved booking ${request.id} has no vehicle`);
    const due = new Date(Date.parse(request.booking.to) + rules.tripLogDueDays * DAY_MS).toISOString();
    return { followUp: { action: 'trip-log-reminder', at: due, count: 0 } };
  },
  /** The vehicle is free again: its calendar days lose the booking in the same transaction that records why. */
  release(request, at) {
    const booking = request.booking;
    if (!booking || booking.releasedAt) return undefined;
    return {
      state: { booking: { ...booking, releasedAt: at } },
      calendar: seoulDaysOf(booking).map((day) => ({ vehicleId: booking.vehicleId, day, requestId: request.id })),
    };
  },
  inputs: {
    /** The dispatcher names a vehicle, or leaves it to the suggestion; the hold is written with the decision. */
    'vehicle-dispatch': {
      fields: () => [
        {
          name: 'vehicleId',
          label: '배정 차량 (예: V031)',
          type: 'text',
          required: false,
          help: '비워 두면 시스템이 추천한 차량(같은 부서 관리 차량 우선, 정원에 맞는 가장 작은 빈 차량)을 배정합니다',
        },
      ],
      async prepare({ request, raw, actor, at, attempt, rules, fleet, clock }) {
        const { vehicleId } = parseOrThrow(dispatchForm, raw);
        const window = windowOf(request.details);
        const need = { ...request.details, requestId: request.id, requesterName: request.requesterName, departmentId: request.departmentId, window };
        const { vehicle, hold } = await assignVehicle({ fleet, rules, need, vehicleId, attempt, now: clock.now() });
        return {
          state: { booking: { vehicleId: vehicle.id, plate: vehicle.plate, ...window, assignedBy: actor.id, assignedAt: at, suggested: !vehicleId } },
          record: { vehicleId: vehicle.id, plate: vehicle.plate, suggested: !vehicleId },
          hold,
        };
      },
      hints: (request, { rules, fleet }) =>
        dispatchHints(fleet, rules, {
          ...request.details,
          requestId: request.id,
          departmentId: request.departmentId,
          window: windowOf(request.details),
        }),
    },
  },
  followUps: {
    /** A trip whose log is missing some days after it ended is reminded (a few times, then left to the list). */
    'trip-log-reminder': (request, { now, rules }) => {
      if (request.status !== 'approved' || request.tripLog !== undefined) return { acted: false };
      const count = (request.followUp?.count ?? 0) + 1;
      const next = new Date(now.getTime() + rules.tripLogDueDays * DAY_MS).toISOString();
      return {
        acted: true,
        followUp: count >= MAX_TRIP_LOG_REMINDERS ? undefined : { action: 'trip-log-reminder', at: next, count },
        event: { action: 'reminded', comment: `운행일지 미제출 독촉 (${count}회)` },
        notice: request.booking && {
          subject: '[운행일지 미제출]',
          intro: `${formatSeoulDateTime(request.booking.to)}에 끝난 공용차량 운행의 운행일지가 아직 제출되지 않았습니다.`,
          next: `POST /requests/${request.id}/trip-log 로 출발·도착 계기판 값과 주유량을 제출해 주세요. 승인 없는 운행과 미제출 운행일지는 감사 지적 대상입니다.`,
        },
      };
    },
  },
  finance: { payable: false },
  events: {
    on: { approved: 'BookingAssigned', cancelled: 'BookingCancelled', 'trip-logged': 'TripLogged' },
    facts: (request) => ({
      ...(request.booking ? { vehicleId: request.booking.vehicleId, from: request.booking.from, to: request.booking.to } : {}),
      ...(request.tripLog ? { distanceKm: request.tripLog.distanceKm, odometerEnd: request.tripLog.odometerEnd } : {}),
    }),
  },
  routes: [
    {
      method: 'GET',
      path: '/vehicles/availability',
      entry: 'functions/http/vehicle-availability.ts',
      operationId: 'vehicleAvailability',
      access: 'read',
    },
    { method: 'GET', path: '/vehicles/{id}/bookings', entry: 'functions/http/vehicle-schedule.ts', operationId: 'vehicleSchedule', access: 'read' },
    { method: 'POST', path: '/requests/{id}/cancel', entry: 'functions/http/cancel-booking.ts', operationId: 'cancelBooking', access: 'read-write' },
    {
      method: 'POST',
      path: '/requests/{id}/trip-log',
      entry: 'functions/http/record-trip-log.ts',
      operationId: 'recordTripLog',
      access: 'read-write',
    },
  ],
});
