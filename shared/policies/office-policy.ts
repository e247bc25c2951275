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
  /**
   * The unit the request itself names as responsible (a building's managing team, from the kind's
   * data): someone there holding `role`, its team leader, its department head or its bureau director.
   */
  z
    .object({
      type: z.literal('handling-unit'),
      level: z.enum(['role', 'team-leader', 'department-head', 'bureau-director']),
      role: z.string().optional(),
    })
    .refine((selector) => (selector.level === 'role') === (selector.role !== undefined), 'a role is named exactly when level is role'),
]);

/** 전결: the deciding level by amount. Tiers ascend; the last has no upper bound. */
const amountTiers = z.object({
  type: z.literal('by-amount'),
  amount: z.enum(['reimbursableAmount', 'amountRequested', 'estimateKrw']),
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
    /**
     * What the holder must record to agree (a repair's triage estimate, a vehicle assignment). The
     * stages after such a step are resolved when it is recorded: they may depend on it (전결 by estimate).
     */
    input: z.enum(['facility-triage', 'vehicle-dispatch']).optional(),
  })
  .refine((step) => !(step.advisory && step.action === 'approve'), 'an approve (결재) step cannot be advisory')
  .refine((step) => !(step.advisory && step.input), 'an advisory step cannot require input');

/** A stage is one step, or a group that decides in parallel and must all agree. */
const lineStage = z.union([lineStep, z.object({ parallel: z.array(lineStep).min(2) })]);

const businessDuration = z.union([z.object({ businessDays: z.int().positive() }).strict(), z.object({ hours: z.int().positive() }).strict()]);

const timings = z.object({ remindAfter: businessDuration, escalateAfter: businessDuration });

const kindPolicy = z.object({
  line: z
    .array(lineStage)
    .min(1)
    .refine((stages) => {
      const last = stages.at(-1);
      return last !== undefined && 'action' in last && last.action === 'approve';
    }, 'the line must end with a single approve (결재) step')
    .refine(
      (stages) => stages.every((stage) => !('parallel' in stage) || stage.parallel.every((step) => !step.input)),
      'an input step cannot be in a parallel stage',
    ),
  /** 반려: `return` gives the request back to the requester to revise or withdraw; `final` ends it. */
  rejection: z.enum(['return', 'final']),
  /** Reminder, then escalation to the next level up, counted from when a step reaches its approver. */
  remindAfter: businessDuration,
  escalateAfter: businessDuration,
  /** Urgent requests (a safety hazard): their own, shorter reminder and escalation. */
  urgent: timings.optional(),
});

const floor = z.int().refine((n) => n !== 0, 'there is no floor 0');
const building = z
  .object({
    name: z.string(),
    /** Basement floors are negative (B3 = -3); there is no floor 0. */
    lowestFloor: floor,
    highestFloor: floor.positive(),
    /** The team that triages its repairs and at whose level 전결 is counted. */
    managingTeam: z.string(),
    /** The budget line its repairs are charged to. */
    budgetLine: z.string(),
  })
  .refine((b) => b.lowestFloor <= b.highestFloor, 'lowestFloor must not be above highestFloor');

const facilityRepairPolicy = z
  .object({
    buildings: z.record(z.string(), building),
    categories: z.record(z.string(), z.string()),
    /** Who hears of an urgent request at once, in the building's managing team. */
    urgentNotice: z.object({ teamLeader: z.boolean(), roles: z.array(z.string()) }),
    /** 지방계약법 시행령 §30: one quote suffices up to this estimate; above it, at least `minimumAbove`. */
    quotes: z.object({ singleQuoteUpToKrw: krw, minimumAbove: z.int().min(2) }),
    /** Days after completion is reported that the request closes unless the requester objects. */
    autoCloseDays: z.int().positive(),
    /** Budget lines with their yearly budget (KRW, by Seoul calendar year). */
    budgetLines: z.record(z.string(), z.object({ name: z.string(), budgetKrw: z.record(z.string().regex(/^\d{4}$/), krw) })),
  })
  .superRefine((rules, ctx) => {
    for (const [id, b] of Object.entries(rules.buildings)) {
      if (!(b.budgetLine in rules.budgetLines))
        ctx.addIssue({ code: 'custom', path: ['buildings', id, 'budgetLine'], message: `unknown budget line ${b.budgetLine}` });
    }
  });

const vehicleBookingPolicy = z.object({
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
    facilityRepair: facilityRepairPolicy,
    vehicleBooking: vehicleBookingPolicy,
    finance: z.object({
      /** Below this many claims in a month, a department is not named in finance views for `smallGroupKinds` (merged into 기타). */
      minimumGroupSize: z.int().positive(),
      /** Kinds whose claim alone says something about a person's health (infertility). */
      smallGroupKinds: z.array(z.string()),
      /** Who gets the monthly report: members of this team holding this role. */
      reportRecipients: z.object({ team: z.string(), role: z.string() }),
      /** Budget lines that reimbursements are paid from, with the kinds charged to them and their yearly budget (KRW). */
      budgetLines: z.record(
        z.string(),
        z.object({ name: z.string(), kinds: z.array(z.string()).min(1), budgetKrw: z.record(z.string().regex(/^\d{4}$/), krw) }),
      ),
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
      for (const [path, timing] of [
        [[], rules],
        [['urgent'], rules.urgent],
      ] as const) {
        if (timing && toMs(timing.escalateAfter) <= toMs(timing.remindAfter)) {
          ctx.addIssue({ code: 'custom', path: ['kinds', kind, ...path, 'escalateAfter'], message: 'escalation must come after the reminder' });
        }
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
export type FacilityRepairPolicy = OfficePolicy['facilityRepair'];
export type VehicleBookingPolicy = OfficePolicy['vehicleBooking'];
export type StepInputName = NonNullable<LineStep['input']>;

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

/** When a waiting step is reminded and escalated: the kind's timings, or its urgent ones for an urgent request. */
export function timingsFor(policy: OfficePolicy, request: { kind: string; urgent?: boolean }): z.infer<typeof timings> {
  const rules = kindPolicyFor(policy, request.kind);
  return request.urgent && rules.urgent ? rules.urgent : { remindAfter: rules.remindAfter, escalateAfter: rules.escalateAfter };
}

/**
 * Where a kind's line is resolved in parts: the stages through the first input step now, the rest
 * once that input is recorded. Returns the index of the first stage resolved later (the line's
 * length when everything is resolved at once).
 */
export function deferredFrom(line: LineStage[]): number {
  const inputStage = line.findIndex((stage) => 'action' in stage && stage.input !== undefined);
  return inputStage < 0 ? line.length : inputStage + 1;
}

/** The 전결 tier an amount falls in (tiers are inclusive upper bounds: 2,000,000 is in "≤ 2,000,000"). */
export function tierFor(tiers: AmountTiers['tiers'], amount: number): { tier: AmountTiers['tiers'][number]; index: number } {
  const index = tiers.findIndex((tier) => tier.upTo === undefined || amount <= tier.upTo);
  const tier = tiers[index];
  if (!tier) throw new Error(`no 전결 tier covers ${amount}`);
  return { tier, index };
}
