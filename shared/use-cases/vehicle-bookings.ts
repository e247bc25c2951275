import * as z from 'zod';
import type { Directory } from '../directory/directory.js';
import { freeVehicles } from '../fleet/dispatch.js';
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../kernel/errors.js';
import { formatSeoulDateTime, instantOf, seoulDate } from '../kernel/seoul-time.js';
import { parseOrThrow, text } from '../kernel/validation.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import { type FleetStore, OdometerBackwardsError } from '../ports/fleet-store.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { changeOf } from '../requests/change.js';
import type { RequestOf } from '../requests/kinds/index.js';
import { vehicleBooking } from '../requests/kinds/vehicle-booking.js';
import { lifecycleMove } from '../requests/lifecycle-transitions.js';
import { endRoundAndRelease } from '../requests/round-transitions.js';
import { saveAsSeen } from './concurrent-change.js';
import { requestView } from './request-view.js';

export interface VehicleBookingsDeps {
  requests: RequestStore;
  fleet: FleetStore;
  directory: Directory;
  clock: Clock;
  policy: OfficePolicy;
}

const DAY_MS = 86_400_000;
/** The longest schedule one call returns. */
const MAX_SCHEDULE_DAYS = 92;

const dateTime = (label: string) =>
  z.iso.datetime({ offset: true, local: true, error: `${label}은(는) 2026-12-01T09:00:00+09:00 같은 ISO 날짜·시각이어야 합니다` });

export const availabilityQuery = z.object({
  class: z.string({ error: '차종(class)을 입력하세요' }).min(1, { error: '차종(class)을 입력하세요' }),
  from: dateTime('출발 시각(from)'),
  to: dateTime('반납 시각(to)'),
  passengers: z.coerce.number().int().min(1).max(60).default(1),
});

export const scheduleQuery = z.object({
  from: z.iso.date({ error: '시작일(from)은 YYYY-MM-DD 형식이어야 합니다' }).optional(),
  to: z.iso.date({ error: '종료일(to)은 YYYY-MM-DD 형식이어야 합니다' }).optional(),
});

const odometer = (label: string) =>
  z
    .int({ error: `${label}은(는) km 단위 정수여야 합니다` })
    .nonnegative({ error: `${label}은(는) 0 이상이어야 합니다` })
    .max(9_999_999, { error: `${label}이(가) 너무 큽니다` });

export const tripLogBody = z
  .object({
    odometerStart: odometer('출발 계기판(odometerStart)'),
    odometerEnd: odometer('도착 계기판(odometerEnd)'),
    fuelLiters: z
      .number({ error: '주유량(fuelLiters)은 리터 단위 숫자여야 합니다' })
      .nonnegative({ error: '주유량(fuelLiters)은 0 이상이어야 합니다' })
      .max(2000, { error: '주유량(fuelLiters)이 너무 큽니다' })
      .refine((liters) => Number.isInteger(liters * 100), { error: '주유량(fuelLiters)은 소수 둘째 자리까지 입력하세요' }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.odometerEnd < body.odometerStart)
      ctx.addIssue({ code: 'custom', path: ['odometerEnd'], message: '도착 계기판 값은 출발 값보다 작을 수 없습니다' });
  });

export const cancelBody = z.object({ reason: text('취소 사유(reason)', 500) }).strict();

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

type Booking = RequestOf<typeof vehicleBooking.id>;

/** The fleet's side of bookings: what is free, a vehicle's schedule, cancelling, and the trip log after the trip. */
export function makeVehicleBookings({ requests, fleet, directory, clock, policy }: VehicleBookingsDeps) {
  const rules = () => vehicleBooking.rulesOf(policy);

  async function staff(callerId: string) {
    const person = await directory.person(callerId);
    if (!person) throw new ForbiddenError('직원 명부에 없는 사용자입니다.');
    return person;
  }

  async function bookingOf(callerId: string, requestId: string): Promise<Booking> {
    const request = await requests.get(requestId);
    if (!request || !vehicleBooking.is(request) || (request.requesterId !== callerId && !request.participants.includes(callerId))) {
      throw new NotFoundError(`배차 요청 ${requestId}을(를) 찾을 수 없습니다.`);
    }
    return request;
  }

  return {
    /** `GET /vehicles/availability?class=&from=&to=[&passengers=]`: the vehicles of a class free for the whole window, best fit first. */
    async availability(input: { callerId: string; query: Record<string, string | undefined> }) {
      const caller = await staff(input.callerId);
      const query = parseOrThrow(availabilityQuery, input.query);
      const { classes, maxSpanDays } = rules();
      const classLabel = Object.hasOwn(classes, query.class) ? classes[query.class] : undefined;
      if (classLabel === undefined) {
        throw new ValidationError('차종(class)이 올바르지 않습니다.', [
          { path: 'class', message: `${Object.keys(classes).join(', ')} 중 하나여야 합니다` },
        ]);
      }
      const window = { from: instantOf(query.from), to: instantOf(query.to) };
      if (window.to <= window.from)
        throw new ValidationError('반납 시각(to)은 출발 시각(from)보다 뒤여야 합니다.', [{ path: 'to', message: '출발 시각보다 뒤여야 합니다' }]);
      if (Date.parse(window.to) - Date.parse(window.from) > maxSpanDays * DAY_MS) {
        throw new ValidationError(`한 번에 최대 ${maxSpanDays}일까지 조회할 수 있습니다.`, [{ path: 'to', message: `${maxSpanDays}일 이내` }]);
      }
      const need = { vehicleClass: query.class, passengers: query.passengers, departmentId: caller.departmentId, window };
      const free = await freeVehicles(fleet, await fleet.vehicles(), need, rules());
      return {
        vehicleClass: query.class,
        classLabel,
        ...window,
        suggestion: free[0]?.vehicle.id ?? null,
        vehicles: free.map(({ vehicle }) => ({
          id: vehicle.id,
          plate: vehicle.plate,
          model: vehicle.model,
          seats: vehicle.seats,
          managingDepartmentId: vehicle.managingDepartmentId,
          ownership: vehicle.ownership,
        })),
      };
    },

    /** `GET /vehicles/{id}/bookings[?from=&to=]`: a vehicle's bookings (by default from today for 30 days). */
    async schedule(input: { callerId: string; vehicleId: string; query: Record<string, string | undefined> }) {
      await staff(input.callerId);
      const query = parseOrThrow(scheduleQuery, input.query);
      const vehicle = await fleet.vehicle(input.vehicleId);
      if (!vehicle) throw new NotFoundError(`차량 ${input.vehicleId}을(를) 찾을 수 없습니다.`);
      const from = query.from ?? seoulDate(clock.now());
      const to = query.to ?? addDays(from, 30);
      if (to < from) throw new ValidationError('종료일(to)이 시작일(from)보다 앞입니다.', [{ path: 'to', message: '시작일 이후여야 합니다' }]);
      if (Date.parse(to) - Date.parse(from) > MAX_SCHEDULE_DAYS * DAY_MS) {
        throw new ValidationError(`한 번에 ${MAX_SCHEDULE_DAYS}일까지 조회할 수 있습니다.`, [{ path: 'to', message: `${MAX_SCHEDULE_DAYS}일 이내` }]);
      }
      const days = await fleet.schedule(vehicle.id, from, to);
      const bookings = new Map(days.flatMap((day) => day.entries).map((entry) => [entry.requestId, entry]));
      return {
        vehicle,
        from,
        to,
        bookings: [...bookings.values()].sort((a, b) => a.from.localeCompare(b.from)),
        lastOdometer: (await fleet.lastReading(vehicle.id)) ?? null,
      };
    },

    /** `POST /requests/{id}/cancel`: the requester cancels an approved booking before the trip; the vehicle is free again at once. */
    async cancel(input: { callerId: string; requestId: string; body: unknown }) {
      const { reason } = parseOrThrow(cancelBody, input.body ?? {});
      const request = await bookingOf(input.callerId, input.requestId);
      if (request.requesterId !== input.callerId) throw new ForbiddenError('본인이 신청한 배차만 취소할 수 있습니다.');
      if (request.status !== 'approved' || !request.booking) {
        throw new InvalidStateError('승인된 배차만 취소할 수 있습니다. 결재 중인 요청은 철회(POST /requests/{id}/withdraw)하세요.');
      }
      const at = clock.now().toISOString();
      if (request.booking.from <= at) throw new InvalidStateError('이미 출발 시각이 지난 배차는 취소할 수 없습니다. 운행일지를 제출하세요.');
      const cancelled = endRoundAndRelease(request, {
        status: 'cancelled',
        at,
        actor: { id: request.requesterId, name: request.requesterName },
        comment: reason,
        channel: 'api',
      });
      await saveAsSeen(requests, cancelled);
      return requestView(cancelled.request);
    },

    /**
     * `POST /requests/{id}/trip-log`: 운행일지 — the odometer out and in, and fuel. The reading may
     * not start below the vehicle's last one (a 409 that says it); the booking is then completed.
     */
    async recordTripLog(input: { callerId: string; requestId: string; body: unknown }) {
      const body = parseOrThrow(tripLogBody, input.body ?? {});
      const request = await bookingOf(input.callerId, input.requestId);
      if (request.requesterId !== input.callerId) throw new ForbiddenError('운행일지는 배차를 신청한 사람이 제출합니다.');
      if (request.status === 'completed') throw new InvalidStateError('이미 운행일지가 제출된 배차입니다.');
      if (request.status !== 'approved' || !request.booking) throw new InvalidStateError('승인된 배차에만 운행일지를 제출할 수 있습니다.');
      const now = clock.now();
      if (Date.parse(request.booking.from) > now.getTime()) {
        throw new InvalidStateError(`운행일지는 출발 시각(${formatSeoulDateTime(request.booking.from)}) 이후에 제출할 수 있습니다.`);
      }
      const at = now.toISOString();
      const tripLog = { ...body, distanceKm: body.odometerEnd - body.odometerStart, recordedBy: input.callerId, recordedAt: at };
      const logged = lifecycleMove(request, {
        at,
        changes: { status: 'completed', tripLog, followUp: undefined },
        event: {
          actorId: input.callerId,
          actorName: request.requesterName,
          action: 'trip-logged',
          channel: 'api',
          input: {
            vehicleId: request.booking.vehicleId,
            odometerStart: body.odometerStart,
            odometerEnd: body.odometerEnd,
            distanceKm: tripLog.distanceKm,
            fuelLiters: body.fuelLiters,
          },
        },
      });
      try {
        await saveAsSeen(
          requests,
          changeOf(request, logged, {
            odometer: { vehicleId: request.booking.vehicleId, start: body.odometerStart, end: body.odometerEnd, requestId: request.id, at },
          }),
        );
      } catch (error) {
        if (!(error instanceof OdometerBackwardsError)) throw error;
        const last = await fleet.lastReading(request.booking.vehicleId);
        const reading = last?.recordedAt ? `, ${formatSeoulDateTime(last.recordedAt)} ${last.requestId ?? ''} 운행일지` : ', 차량 등록 시';
        const message =
          `출발 계기판 값(${body.odometerStart.toLocaleString('ko-KR')}km)이 ${request.booking.plate}의 마지막 기록` +
          `(${(last?.km ?? 0).toLocaleString('ko-KR')}km${reading})보다 작습니다. 계기판을 다시 확인하세요.`;
        throw new ConflictError(message.replace(' )', ')'));
      }
      return requestView(logged.request);
    },
  };
}

export type VehicleBookings = ReturnType<typeof makeVehicleBookings>;
