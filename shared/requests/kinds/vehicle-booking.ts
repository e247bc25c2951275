import * as z from 'zod';
import { bookability, type Interval } from '../../fleet/fleet.js';
import { UnprocessableError, ValidationError } from '../../kernel/errors.js';
import { formatSeoulDateTime } from '../../kernel/seoul-time.js';
import { text } from '../../kernel/validation.js';
import { officePolicy } from '../../policies/office-policy.js';
import type { RequestKind } from './request-kind.js';

const DAY_MS = 86_400_000;

/** A date-time as submitted: with an offset, or without one, meaning Seoul time. */
const seoulDateTime = (label: string) =>
  z.iso.datetime({
    offset: true,
    local: true,
    error: `${label}은(는) 2026-12-01T09:00:00+09:00 같은 ISO 날짜·시각이어야 합니다 (시간대를 빼면 서울 시각)`,
  });

/** The instant a submitted date-time means (no offset: Asia/Seoul). */
export function instantOf(value: string): string {
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}+09:00`;
  return new Date(zoned).toISOString();
}

const vehicleBookingDetails = z
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

export type VehicleBookingDetails = z.infer<typeof vehicleBookingDetails>;

/** The window a booking asks for, as instants. */
export const windowOf = (details: Pick<VehicleBookingDetails, 'from' | 'to'>): Interval => ({
  from: instantOf(details.from),
  to: instantOf(details.to),
});

/**
 * 공용차량 배차: a class of vehicle for a window. The requester's team leader agrees to the trip;
 * 총무팀's dispatcher assigns a vehicle (see the `vehicle-dispatch` step input), which holds it for
 * the window from that moment. After the trip, the requester files the trip log (운행일지).
 */
export const vehicleBooking: RequestKind<VehicleBookingDetails> = {
  kind: 'vehicle-booking',
  label: '공용차량 배차',
  sensitive: false,
  detailsSchema: vehicleBookingDetails,
  async validate(details, { requester, fleet, policy }) {
    const rules = policy.vehicleBooking;
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
  assess(details, { now, policy }) {
    const rules = policy.vehicleBooking;
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
  summarize(details) {
    const window = windowOf(details);
    return [
      ['차종', officePolicy.vehicleBooking.classes[details.vehicleClass] ?? details.vehicleClass],
      ['기간', `${formatSeoulDateTime(window.from)} ~ ${formatSeoulDateTime(window.to)}`],
      ['행선지', details.destination],
      ['운행 목적', details.purpose],
      ['탑승 인원', `${details.passengers}명`],
    ];
  },
  afterApproval(request, { policy }) {
    if (!request.booking) throw new Error(`approved booking ${request.id} has no vehicle`);
    const due = new Date(Date.parse(request.booking.to) + policy.vehicleBooking.tripLogDueDays * DAY_MS).toISOString();
    return { request: { ...request, followUp: { action: 'trip-log-reminder', at: due, count: 0 } } };
  },
};
