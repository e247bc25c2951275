import { readFileSync } from 'node:fs';
import * as z from 'zod';
import policyData from './office-policy.json' with { type: 'json' };

/**
 * The office's rules as data. Defaults from DOMAIN.md live in office-policy.json, so the
 * division can change a cap, a band, an approval line or a 전결 table without touching code;
 * this module only validates the data once, at load, and offers pure functions over it.
 */
const krw = z.int().nonnegative();

/** Whom a step goes to, named relative to the request — never a person id. */
const approverSelector = z.discriminatedUnion('type', [
  /** Someone in `team` holding `role` (e.g. a welfare officer of 교육후생팀), spread by request id. */
  z.object({ type: z.literal('team-role'), team: z.string(), role: z.string() }),
  /** The leader (팀장) of a named team. */
  z.object({ type: z.literal('team-leader'), team: z.string() }),
  /** The requester's own team leader (or department head when they have no team). */
  z.object({ type: z.literal('requester-team-leader') }),
  /** The head (과장) of the requester's department. */
  z.object({ type: z.literal('requester-department-head') }),
  /** The head of a named department (e.g. 총무과장). */
  z.object({ type: z.literal('department-head'), department: z.string() }),
  /** The head of the department the requester names first (e.g. the receiving department of a transfer, 내신). */
  z.object({ type: z.literal('preferred-department-head') }),
  /** The director (국장) of the bureau a named department belongs to. */
  z.object({ type: z.literal('bureau-director'), department: z.string() }),
  /** The head of the office (구청장). */
  z.object({ type: z.literal('mayor') }),
]);

/** 전결: the deciding level by amount. Tiers ascend; the last has no upper bound. */
const amountTiers = z.object({
  type: z.literal('by-amount'),
  amount: z.enum(['reimbursableAmount', 'amountRequested']),
  tiers: z
    .array(z.object({ upTo: krw.optional(), approver: approverSelector }))
    .min(1)
    .refine((tiers) => tiers.every((tier, i) => (i === tiers.length - 1) === (tier.upTo === undefined)), 'only the last tier has no upTo')
    .refine((tiers) => tiers.every((tier, i) => i === 0 || (tier.upTo ?? Infinity) > (tiers[i - 1]?.upTo ?? -1)), 'tiers must ascend'),
});

const lineStep = z
  .object({
    /** 검토 (review), 협조 (cooperate: another unit's opinion), 결재 (approve). */
    action: z.enum(['review', 'cooperate', 'approve']),
    approver: z.union([approverSelector, amountTiers]),
    /** An opinion that may not block: a dissent is recorded and the line goes on. Never on an approve step. */
    advisory: z.boolean().optional(),
  })
  .refine((step) => !(step.advisory && step.action === 'approve'), 'an approve (결재) step cannot be advisory');

/** A stage is one step, or a group that decides in parallel and must all agree. */
const lineStage = z.union([lineStep, z.object({ parallel: z.array(lineStep).min(2) })]);

const businessDuration = z.union([
  z.object({ businessDays: z.int().positive() }).strict(),
  z.object({ hours: z.int().positive() }).strict(),
]);

const kindPolicy = z.object({
  line: z
    .array(lineStage)
    .min(1)
    .refine((stages) => {
      const last = stages.at(-1);
      return last !== undefined && 'action' in last && last.action === 'approve';
    }, 'the line must end with a single approve (결재) step'),
  /** 반려: `return` gives the request back to the requester to revise or withdraw; `final` ends it. */
  rejection: z.enum(['return', 'final']),
  /** Reminder, then escalation to the next level up, counted from when a step reaches its approver. */
  remindAfter: businessDuration,
  escalateAfter: businessDuration,
});

export const officePolicySchema = z
  .object({
    healthCheckup: z.object({
      capBands: z
        .array(z.object({ fromAge: z.int().nonnegative(), capKrw: krw }))
        .min(1)
        .refine((bands) => bands[0]?.fromAge === 0, 'the first band must start at age 0')
        .refine((bands) => bands.every((band, i) => i === 0 || band.fromAge > (bands[i - 1]?.fromAge ?? -1)), 'bands must be in ascending age order'),
      claimsPerYear: z.int().positive(),
      claimableYearsBack: z.int().nonnegative(),
    }),
    infertilityTreatment: z.object({
      /** Per person per calendar year of the treatment, summed over the year's live claims. */
      capPerYearKrw: krw.positive(),
      claimableYearsBack: z.int().nonnegative(),
    }),
    personnelTransfer: z.object({
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
    }),
    approvals: z.object({
      /**
       * How long one stage of a line may wait in total, reminders and escalations included; its
       * links expire then and the request fails visibly. At most 22 days: the local Step Functions
       * emulator keeps the backstop timeout (deadline + 2 days) in a setTimeout, capped at 24.8 days.
       */
      stageDeadlineDays: z.int().positive().max(22),
      /** Business-day waits that start outside business days count from this hour (Seoul). */
      workdayStartHour: z.int().min(0).max(23),
      /** The longest 대결 (acting approver) period one delegation may cover. */
      maxDelegationDays: z.int().positive(),
    }),
    kinds: z.record(z.string(), kindPolicy),
  })
  .superRefine((policy, ctx) => {
    for (const [kind, rules] of Object.entries(policy.kinds)) {
      const toMs = (d: z.infer<typeof businessDuration>) => ('hours' in d ? d.hours : d.businessDays * 24) * 3_600_000;
      if (toMs(rules.escalateAfter) <= toMs(rules.remindAfter)) {
        ctx.addIssue({ code: 'custom', path: ['kinds', kind, 'escalateAfter'], message: 'escalation must come after the reminder' });
      }
    }
  });

export type OfficePolicy = z.infer<typeof officePolicySchema>;
export type ApproverSelector = z.infer<typeof approverSelector>;
export type AmountTiers = z.infer<typeof amountTiers>;
export type LineStep = z.infer<typeof lineStep>;
export type LineStage = z.infer<typeof lineStage>;
export type KindPolicy = z.infer<typeof kindPolicy>;
export type HealthCheckupPolicy = OfficePolicy['healthCheckup'];

/**
 * The policy in force: the bundled office-policy.json, or — for trying a change locally before
 * deploying it, and for tests — the file named by OFFICE_POLICY_FILE. Invalid data fails at load.
 */
export const officePolicy: OfficePolicy = loadPolicy();

function loadPolicy(): OfficePolicy {
  const file = process.env['OFFICE_POLICY_FILE'];
  const data: unknown = file ? JSON.parse(readFileSync(file, 'utf8')) : policyData;
  const parsed = officePolicySchema.safeParse(data);
  if (!parsed.success) throw new Error(`invalid office policy${file ? ` in ${file}` : ''}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The cap of the age band `age` falls in. */
export function healthCheckupCap(policy: HealthCheckupPolicy, age: number): number {
  const band = policy.capBands.findLast((candidate) => age >= candidate.fromAge);
  if (!band) throw new Error(`no cap band covers age ${age}`);
  return band.capKrw;
}

export function kindPolicyFor(policy: OfficePolicy, kind: string): KindPolicy {
  const rules = policy.kinds[kind];
  if (!rules) throw new Error(`no approval policy configured for kind ${kind}`);
  return rules;
}

/** The 전결 tier an amount falls in (tiers are inclusive upper bounds: 2,000,000 is in "≤ 2,000,000"). */
export function tierFor(tiers: AmountTiers['tiers'], amount: number): { tier: AmountTiers['tiers'][number]; index: number } {
  const index = tiers.findIndex((tier) => tier.upTo === undefined || amount <= tier.upTo);
  const tier = tiers[index];
  if (!tier) throw new Error(`no 전결 tier covers ${amount}`);
  return { tier, index };
}
