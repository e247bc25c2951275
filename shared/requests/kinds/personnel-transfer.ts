import * as z from 'zod';
import type { Person } from '../../directory/directory.js';
import { ConflictError, ValidationError } from '../../kernel/errors.js';
import { text } from '../../kernel/validation.js';
import { defineKind, type Lines } from '../kind.js';

const rules = z.object({
  /** 지방공무원 임용령 §27①: months in the current post before a transfer, by job series (직렬). */
  minimumTenure: z.object({
    defaultMonths: z.int().positive(),
    byJobSeries: z.array(z.object({ jobSeries: z.array(z.string()).min(1), months: z.int().positive() })),
    /** People hired through 경력경쟁 (the directory's `hiredVia: career`). */
    careerHireMonths: z.int().positive(),
  }),
  /** Grounds for a transfer before the minimum time, with the Korean names people see. */
  exceptionGrounds: z.record(z.string(), z.string()).refine((grounds) => Object.keys(grounds).length > 0, 'at least one ground'),
  maxPreferences: z.int().positive(),
  /** Regular personnel rounds: effective on these month-days (MM-DD); requests close some days before. */
  rounds: z.object({
    effectiveOn: z.array(z.string().regex(/^\d{2}-\d{2}$/)).min(1),
    closeDaysBefore: z.int().nonnegative(),
  }),
});

type TransferPolicy = z.infer<typeof rules>;

/** A regular personnel round (정기인사): its id (`2027-01`), the day it takes effect, and the last day to apply. */
export interface PersonnelRound {
  id: string;
  effectiveDate: string;
  closesOn: string;
}

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** A calendar date `months` later; the 31st of a shorter month becomes its last day. */
export function addMonths(date: string, months: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const total = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(total / 12);
  const targetMonth = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  return `${String(targetYear).padStart(4, '0')}-${String(targetMonth).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}

/** The next round still open for requests on `today` (Seoul date). */
export function nextOpenRound(policy: TransferPolicy, today: string): PersonnelRound {
  const year = Number(today.slice(0, 4));
  const candidates = [year, year + 1, year + 2]
    .flatMap((candidateYear) => policy.rounds.effectiveOn.map((monthDay) => `${candidateYear}-${monthDay}`))
    .sort();
  for (const effectiveDate of candidates) {
    const closesOn = addDays(effectiveDate, -policy.rounds.closeDaysBefore);
    if (today <= closesOn) return { id: effectiveDate.slice(0, 7), effectiveDate, closesOn };
  }
  throw new Error(`no personnel round open after ${today}`);
}

/** Months in the current post before a transfer (지방공무원 임용령 §27①): by job series, at least the 경력경쟁 minimum for career hires. */
export function minimumTenureMonths(policy: TransferPolicy, person: Pick<Person, 'jobSeries' | 'hiredVia'>): number {
  const bySeries =
    policy.minimumTenure.byJobSeries.find((rule) => rule.jobSeries.includes(person.jobSeries))?.months ?? policy.minimumTenure.defaultMonths;
  return person.hiredVia === 'career' ? Math.max(bySeries, policy.minimumTenure.careerHireMonths) : bySeries;
}

export const earliestEligibleDate = (policy: TransferPolicy, person: Pick<Person, 'jobSeries' | 'hiredVia' | 'postStartDate'>) =>
  addMonths(person.postStartDate, minimumTenureMonths(policy, person));

const personnelTransferDetails = z
  .object({
    preferences: z
      .array(z.string({ error: '희망 부서는 부서 id여야 합니다' }).min(1), { error: '희망 부서(preferences)를 1지망부터 순서대로 입력하세요' })
      .min(1, { error: '희망 부서(preferences)를 하나 이상 입력하세요' }),
    reason: text('희망 사유(reason)', 1000),
    exceptionGround: z.string().optional(),
    exceptionDetail: text('예외 사유 설명(exceptionDetail)', 1000).optional(),
  })
  .strict();

export type PersonnelTransferDetails = z.infer<typeof personnelTransferDetails>;

export class TooEarlyForTransferError extends ConflictError {}

/** What approval changes: the requester moves to the department on the round's effective date (`appliedAt` once the directory has). */
const effectSchema = z.object({
  type: z.literal('transfer'),
  departmentId: z.string(),
  effectiveDate: z.iso.date(),
  roundId: z.string(),
  appliedAt: z.string().optional(),
});

const SEOUL_OFFSET_MS = 9 * 3_600_000;

/**
 * 전보 희망: up to three ranked departments for the next regular round, one request per person per
 * round. Too early in the current post without an exception ground is refused with the earliest
 * eligible date; with a ground, 인사팀's review must confirm it. On approval the move takes effect
 * on the round's effective date (the directory changes then, not before).
 */
export const personnelTransfer = defineKind({
  id: 'personnel-transfer',
  label: '전보 희망',
  description: 'personnel transfer request',
  details: personnelTransferDetails,
  rules,
  state: { effect: effectSchema.optional() },
  privacy: { sensitive: false, readers: { team: 'ga-hr', role: 'hr-officer' } },
  async validate(details, { directory }) {
    const issues = [];
    for (const [i, id] of details.preferences.entries()) {
      if (!(await directory.department(id))) issues.push({ path: `preferences.${i}`, message: `부서 ${id}이(가) 조직도에 없습니다` });
    }
    if (issues.length > 0) throw new ValidationError('희망 부서를 확인하세요.', issues);
  },
  assess(details, { requester, today, rules }) {
    const { preferences } = details;
    if (preferences.length > rules.maxPreferences) {
      throw new ValidationError(`희망 부서는 ${rules.maxPreferences}지망까지입니다.`, [
        { path: 'preferences', message: `최대 ${rules.maxPreferences}개` },
      ]);
    }
    if (new Set(preferences).size !== preferences.length) {
      throw new ValidationError('희망 부서가 중복되었습니다.', [{ path: 'preferences', message: '같은 부서를 두 번 넣을 수 없습니다' }]);
    }
    const own = preferences.indexOf(requester.departmentId);
    if (own >= 0)
      throw new ValidationError('현재 부서는 희망 부서가 될 수 없습니다.', [{ path: `preferences.${own}`, message: '현재 근무 중인 부서입니다' }]);
    const ground = details.exceptionGround;
    if (ground !== undefined && !Object.hasOwn(rules.exceptionGrounds, ground)) {
      throw new ValidationError('예외 사유(exceptionGround)가 올바르지 않습니다.', [
        {
          path: 'exceptionGround',
          message: `${Object.entries(rules.exceptionGrounds)
            .map(([code, label]) => `${code}(${label})`)
            .join(', ')} 중 하나여야 합니다`,
        },
      ]);
    }
    if (ground !== undefined && !details.exceptionDetail) {
      throw new ValidationError('예외 사유를 설명해 주세요.', [{ path: 'exceptionDetail', message: '예외 사유가 있으면 설명을 입력해야 합니다' }]);
    }

    const round = nextOpenRound(rules, today);
    const eligibleOn = earliestEligibleDate(rules, requester);
    const months = minimumTenureMonths(rules, requester);
    const early = eligibleOn > round.effectiveDate;
    if (early && ground === undefined) {
      throw new TooEarlyForTransferError(
        `현 보직 최소 근무기간(${requester.jobSeries} 직렬${requester.hiredVia === 'career' ? ', 경력경쟁 임용' : ''} ` +
          `${months}개월, ${requester.postStartDate} 보직)을 채우지 못해 ` +
          `${round.id} 정기인사(${round.effectiveDate} 시행)에는 신청할 수 없습니다. ${eligibleOn}부터 전보 대상이 됩니다. ` +
          '직제 개편·승진 등 예외 사유가 있으면 exceptionGround와 함께 신청하세요.',
      );
    }
    const groundLabel = ground === undefined ? undefined : rules.exceptionGrounds[ground];
    return {
      ledgers: [
        {
          key: `personnel-transfer#${round.id}`,
          periodLabel: `${round.id} 정기인사`,
          maxRequests: 1,
          duplicateMessage: `${round.id} 정기인사(${round.effectiveDate} 시행)에는 이미 전보 희망을 신청하셨습니다. 기존 요청을 철회한 뒤 다시 신청하세요.`,
        },
      ],
      preferredDepartments: preferences,
      confirmations: early && groundLabel ? [`최소 근무기간 미충족(${eligibleOn}부터 대상) — 예외 사유 확인 필요: ${groundLabel}`] : undefined,
      state: { effect: { type: 'transfer' as const, departmentId: preferences[0] ?? '', effectiveDate: round.effectiveDate, roundId: round.id } },
    };
  },
  summarize(details) {
    const lines: Lines = [
      ['희망 부서', details.preferences.map((id, i) => `${i + 1}지망 ${id}`).join(', ')],
      ['희망 사유', details.reason],
    ];
    return details.exceptionGround ? [...lines, ['예외 사유', `${details.exceptionGround}: ${details.exceptionDetail ?? ''}`]] : lines;
  },
  /** 00:00 Seoul time on the round's effective date, once approved and not yet applied. */
  effect: {
    dueAt: (request) =>
      request.status === 'approved' && request.effect && !request.effect.appliedAt
        ? new Date(Date.parse(`${request.effect.effectiveDate}T00:00:00Z`) - SEOUL_OFFSET_MS).toISOString()
        : undefined,
    /**
     * The person moves to the department (no team until 인사팀 assigns one, time in post counted
     * from that day), recorded as a directory change by `system`.
     */
    async apply(request, { directory, directoryAdmin, at }) {
      const effect = request.effect;
      if (!effect) throw new Error(`request ${request.id} has no effect`);
      const department = await directory.department(effect.departmentId);
      const record = await directoryAdmin.personRecord(request.requesterId);
      if (!record) throw new Error(`${request.requesterId} is no longer in the directory`);
      // A retry after the directory changed but the request did not: the move is already there.
      if (record.person.departmentId !== effect.departmentId) {
        await directoryAdmin.savePerson(
          { ...record.person, departmentId: effect.departmentId, teamId: null, postStartDate: effect.effectiveDate },
          { actorId: 'system', at, previous: record },
        );
      }
      return `전보 발령: ${department?.name ?? effect.departmentId} (${effect.roundId} 정기인사, ${effect.effectiveDate} 시행)`;
    },
    applied: (request, at) => (request.effect ? { effect: { ...request.effect, appliedAt: at } } : {}),
  },
  /** 인사팀 plans a round from its requests (`GET /rounds/{roundId}/transfers`). */
  indexes: (request): Record<string, string> => (request.effect ? { roundId: request.effect.roundId } : {}),
  finance: { payable: false },
  events: {
    on: { completed: 'TransferEffective' },
    facts: (request): Record<string, string> =>
      request.effect
        ? { toDepartmentId: request.effect.departmentId, effectiveDate: request.effect.effectiveDate, roundId: request.effect.roundId }
        : {},
  },
  routes: [
    { method: 'GET', path: '/rounds/{roundId}/transfers', entry: 'functions/http/round-transfers.ts', operationId: 'roundTransfers', access: 'read' },
  ],
});
