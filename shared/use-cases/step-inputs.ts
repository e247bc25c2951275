import * as z from 'zod';
import {
  bestFitOrder,
  bookability,
  type CalendarDay,
  conflictsOf,
  equallyFitting,
  type Interval,
  seoulDaysOf,
  spreadPick,
  type Vehicle,
} from '../fleet/fleet.js';
import { ConflictError, InvalidStateError, UnprocessableError, ValidationError } from '../kernel/errors.js';
import { formatKrw, formatSeoulDateTime } from '../kernel/seoul-time.js';
import { parseOrThrow } from '../kernel/validation.js';
import type { OfficePolicy, StepInputName } from '../policies/office-policy.js';
import type { CalendarHold, Clock, FleetStore, RequestChange } from '../ports/ports.js';
import { type VehicleBookingDetails, windowOf } from '../requests/kinds/vehicle-booking.js';
import type { ApprovalRequest, ApprovalStep } from '../requests/request.js';

/**
 * What a holder records with an agreement on an input step (see the line's `input`): a repair's
 * triage, a vehicle assignment. `prepare` checks it against the rules and the current state and
 * returns the request as it will be saved, with whatever else must change in the same transaction.
 */
export interface PreparedInput {
  request: ApprovalRequest;
  /** What goes in the decision's history entry. */
  record: Record<string, unknown>;
  change?: Pick<RequestChange, 'calendar'>;
}

export interface StepInputField {
  name: string;
  label: string;
  type: 'number' | 'text';
  required: boolean;
  help?: string;
}

export interface StepInputHandler {
  prepare(context: {
    request: ApprovalRequest;
    step: ApprovalStep;
    raw: Record<string, unknown>;
    actor: { id: string; name: string };
    at: string;
    /** 1 for the decision's first try; more after a concurrent change (another assignment took a calendar day first). */
    attempt: number;
  }): Promise<PreparedInput>;
}

/** A whole number from JSON (a number) or a form (digits, commas allowed); an empty form field is "not given". */
const wholeNumber = (label: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? (value.trim() === '' ? undefined : Number(value.replaceAll(',', '').trim())) : value),
    z
      .int({ error: `${label}은(는) 정수여야 합니다` })
      .nonnegative({ error: `${label}은(는) 0 이상이어야 합니다` })
      .max(1_000_000_000_000, { error: `${label}이(가) 너무 큽니다` }),
  );

const optionalText = (label: string, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z
      .string({ error: `${label}은(는) 문자열이어야 합니다` })
      .max(max, { error: `${label}은(는) ${max}자 이내로 입력하세요` })
      .optional(),
  );

const triageForm = z.object({
  estimateKrw: wholeNumber('추정 금액(estimateKrw)'),
  quoteCount: wholeNumber('견적서 수(quoteCount)').default(1),
  contractor: optionalText('업체(contractor)', 200),
  note: optionalText('검토 메모(note)', 1000),
});

const dispatchForm = z.object({ vehicleId: optionalText('차량(vehicleId)', 10) });

export class NoVehicleFreeError extends ConflictError {}

/** The fields an input step takes (the decision page renders them; the API takes them beside `decision`). */
export function stepInputFields(policy: OfficePolicy): Record<StepInputName, StepInputField[]> {
  const { singleQuoteUpToKrw, minimumAbove } = policy.facilityRepair.quotes;
  return {
    'facility-triage': [
      { name: 'estimateKrw', label: '추정 금액(원)', type: 'number', required: true, help: '전결 단계가 이 금액으로 정해집니다' },
      {
        name: 'quoteCount',
        label: '견적서 수',
        type: 'number',
        required: false,
        help: `${formatKrw(singleQuoteUpToKrw)} 초과는 ${minimumAbove}건 이상 (지방계약법 시행령 §30)`,
      },
      { name: 'contractor', label: '업체', type: 'text', required: false },
      { name: 'note', label: '검토 메모', type: 'text', required: false },
    ],
    'vehicle-dispatch': [
      {
        name: 'vehicleId',
        label: '배정 차량 (예: V031)',
        type: 'text',
        required: false,
        help: '비워 두면 시스템이 추천한 차량(같은 부서 관리 차량 우선, 정원에 맞는 가장 작은 빈 차량)을 배정합니다',
      },
    ],
  };
}

export function makeStepInputs({
  fleet,
  policy,
  clock,
}: {
  fleet: FleetStore;
  policy: OfficePolicy;
  clock: Clock;
}): Record<StepInputName, StepInputHandler> {
  return {
    /**
     * 시설 보수 접수 검토: the managing unit's estimate, with the quotes behind it. Above the single-quote
     * limit (지방계약법 시행령 §30) fewer than the required quotes is refused: the line cannot reach approval without them.
     */
    'facility-triage': {
      async prepare({ request, raw, actor, at }) {
        const form = parseOrThrow(triageForm, raw);
        const { singleQuoteUpToKrw, minimumAbove } = policy.facilityRepair.quotes;
        if (form.estimateKrw > singleQuoteUpToKrw && form.quoteCount < minimumAbove) {
          throw new ValidationError(
            `추정 금액 ${formatKrw(form.estimateKrw)}은(는) ${formatKrw(singleQuoteUpToKrw)}을 넘어 견적서가 ${minimumAbove}건 이상 있어야 결재로 넘길 수 있습니다 (지방계약법 시행령 §30).`,
            [{ path: 'quoteCount', message: `${minimumAbove}건 이상이어야 합니다 (입력: ${form.quoteCount}건)` }],
          );
        }
        const triage = { ...form, by: actor.id, byName: actor.name, at };
        return {
          request: { ...request, triage },
          record: { estimateKrw: form.estimateKrw, quoteCount: form.quoteCount, ...(form.contractor ? { contractor: form.contractor } : {}) },
        };
      },
    },

    /**
     * 배차: the dispatcher names a vehicle, or leaves it to the suggestion (the best-fitting free one).
     * The hold is written with the decision, conditioned on the calendar days read here.
     */
    'vehicle-dispatch': {
      async prepare({ request, raw, actor, at, attempt }) {
        const { vehicleId } = parseOrThrow(dispatchForm, raw);
        const details = request.details as VehicleBookingDetails;
        const window = windowOf(details);
        if (Date.parse(window.from) <= clock.now().getTime()) {
          throw new InvalidStateError(`출발 시각(${formatSeoulDateTime(window.from)})이 지나 배차할 수 없습니다. 반려해 주세요.`);
        }
        const vehicles = await fleet.vehicles();
        const days = seoulDaysOf(window);
        let chosen: { vehicle: Vehicle; calendar: CalendarDay[] };
        if (vehicleId) {
          const vehicle = vehicles.find((candidate) => candidate.id === vehicleId);
          if (!vehicle)
            throw new ValidationError(`차량 ${vehicleId}을(를) 찾을 수 없습니다.`, [
              { path: 'vehicleId', message: '차량 목록의 id(예: V031)를 입력하세요' },
            ]);
          const allowed = bookability(vehicle, policy.vehicleBooking, request.departmentId);
          if (!allowed.bookable) throw new UnprocessableError(`${allowed.reason}.`);
          if (vehicle.seats < details.passengers) {
            throw new ValidationError(`${vehicle.plate}의 정원(${vehicle.seats}명)이 탑승 인원(${details.passengers}명)보다 적습니다.`, [
              { path: 'vehicleId', message: '정원이 충분한 차량을 지정하세요' },
            ]);
          }
          const calendar = await fleet.calendar([vehicle.id], days);
          const taken = conflictsOf(calendar, window, request.id);
          if (taken.length > 0) {
            throw new ConflictError(
              `${vehicle.plate}(${vehicle.id})은(는) 그 시간에 이미 배차되어 있습니다: ${taken.map((entry) => `${entry.requestId} ${formatSeoulDateTime(entry.from)}~${formatSeoulDateTime(entry.to)}`).join(', ')}`,
            );
          }
          chosen = { vehicle, calendar };
        } else {
          const free = await freeVehicles(fleet, vehicles, {
            details,
            departmentId: request.departmentId,
            window,
            days,
            policy,
            requestId: request.id,
          });
          const first = free[0];
          if (!first) {
            throw new NoVehicleFreeError(
              `요청한 시간(${formatSeoulDateTime(window.from)}~${formatSeoulDateTime(window.to)})에 비어 있는 ${policy.vehicleBooking.classes[details.vehicleClass] ?? details.vehicleClass} 차량이 없습니다. 다른 차량을 지정(vehicleId)하거나 반려해 주세요.`,
            );
          }
          // The suggestion is the best fit. If a concurrent assignment just took it, every loser would
          // otherwise go for the same next one: spread the retries over the vehicles that fit as well.
          const spread =
            attempt > 1
              ? spreadPick(
                  equallyFitting(
                    free.map(({ vehicle }) => vehicle),
                    { departmentId: request.departmentId },
                  ),
                  `${request.id}#${attempt}`,
                )
              : undefined;
          chosen = free.find(({ vehicle }) => vehicle.id === spread?.id) ?? first;
        }
        const entry = { requestId: request.id, ...window, requesterName: request.requesterName, departmentId: request.departmentId };
        const hold: CalendarHold[] = chosen.calendar.map((day) => ({
          vehicleId: chosen.vehicle.id,
          day: day.day,
          expectedVersion: day.version,
          entry,
        }));
        return {
          request: {
            ...request,
            booking: {
              vehicleId: chosen.vehicle.id,
              plate: chosen.vehicle.plate,
              ...window,
              assignedBy: actor.id,
              assignedAt: at,
              suggested: !vehicleId,
            },
          },
          record: { vehicleId: chosen.vehicle.id, plate: chosen.vehicle.plate, suggested: !vehicleId },
          change: { calendar: { hold } },
        };
      },
    },
  };
}

/**
 * The vehicles of the booking's class free for its window, best fit first, each with the calendar
 * days that showed it free (a hold is conditioned on exactly those).
 */
export async function freeVehicles(
  fleet: FleetStore,
  vehicles: Vehicle[],
  need: {
    details: Pick<VehicleBookingDetails, 'vehicleClass' | 'passengers'>;
    departmentId: string;
    window: Interval;
    days: string[];
    policy: OfficePolicy;
    requestId?: string;
  },
): Promise<{ vehicle: Vehicle; calendar: CalendarDay[] }[]> {
  const candidates = bestFitOrder(
    vehicles.filter(
      (vehicle) => vehicle.vehicleClass === need.details.vehicleClass && bookability(vehicle, need.policy.vehicleBooking, need.departmentId).bookable,
    ),
    { passengers: need.details.passengers, departmentId: need.departmentId },
  );
  const calendar = await fleet.calendar(
    candidates.map((vehicle) => vehicle.id),
    need.days,
  );
  return candidates.flatMap((vehicle) => {
    const days = calendar.filter((day) => day.vehicleId === vehicle.id);
    return conflictsOf(days, need.window, need.requestId).length === 0 ? [{ vehicle, calendar: days }] : [];
  });
}
