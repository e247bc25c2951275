import * as z from 'zod';
import { kindDocumentsSchema } from '../documents/document-policy.js';

/**
 * The part of every kind's policy block (`kinds[<id>]` in office-policy.json) that the approval
 * engine reads: the line, what a rejection means, the timers and the kind's place in finance. The
 * kind's own rules sit beside them under `rules`, validated by the kind's module. Pure data and
 * pure functions; no kind is named here.
 */
export const krw = z.int().nonnegative();

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
     * What the holder must record to agree: one of the kind's step inputs (a repair's triage estimate,
     * a vehicle assignment). The stages after such a step are resolved when it is recorded: they may
     * depend on it (전결 by estimate).
     */
    input: z.string().optional(),
  })
  .refine((step) => !(step.advisory && step.action === 'approve'), 'an approve (결재) step cannot be advisory')
  .refine((step) => !(step.advisory && step.input), 'an advisory step cannot require input');

/** A stage is one step, or a group that decides in parallel and must all agree. */
const lineStage = z.union([lineStep, z.object({ parallel: z.array(lineStep).min(2) })]);

const businessDuration = z.union([z.object({ businessDays: z.int().positive() }).strict(), z.object({ hours: z.int().positive() }).strict()]);
export type BusinessDuration = z.infer<typeof businessDuration>;

const timings = z.object({ remindAfter: businessDuration, escalateAfter: businessDuration });
export type Timings = z.infer<typeof timings>;

const toMs = (duration: BusinessDuration) => ('hours' in duration ? duration.hours : duration.businessDays * 24) * 3_600_000;

/** A kind's policy block, as the engine reads it; `rules` is the kind's own, checked by its module. */
/** The most colleagues a requester may copy (참조) on one request. */
export const MAX_COPIES = 5;

/** Who reads an approved request for information (공람). */
const circulationReader = z.discriminatedUnion('type', [
  /** The request's managing unit (a building's facility team). */
  z.object({ type: z.literal('handling-unit') }),
  /** Everyone in a team. */
  z.object({ type: z.literal('team'), team: z.string() }),
  /** A team's holders of a role (총무팀's dispatch officers). */
  z.object({ type: z.literal('team-role'), team: z.string(), role: z.string() }),
]);
export type CirculationReader = z.infer<typeof circulationReader>;

export const kindPolicySchema = z
  .object({
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
    /** Where the kind's money shows in finance: the budget line its approved amounts are paid from, and whether small groups are hidden. */
    finance: z
      .object({
        budgetLine: z.string().optional(),
        /** A claim alone says something about a person's health (infertility): departments with few claims are not named. */
        hideSmallGroups: z.boolean().optional(),
      })
      .default({}),
    /** The documents a request of the kind rests on: their types, how many, which are required when. */
    documents: kindDocumentsSchema,
    /**
     * 공람·참조: who sees an approved request for information (the request's managing team, a team,
     * or a team's holders of a role), and how many colleagues the requester may copy (참조, `ccIds`;
     * 0: none). Health kinds have neither (the office policy refuses it).
     */
    circulation: z
      .object({
        readers: z.array(circulationReader).default([]),
        copies: z.int().min(0).max(MAX_COPIES).default(0),
      })
      .default({ readers: [], copies: 0 }),
    /**
     * 지정: whether the holder of a review or input step may hand it to someone of another team
     * (still with the role the step was chosen for). Never across teams unless the policy says so.
     */
    reassign: z.strictObject({ acrossTeams: z.boolean().default(false) }).default({ acrossTeams: false }),
    /**
     * 처리과: whose register numbers a decided request (문서번호, `<처리과명>-<연도별 일련번호>`): a
     * named department, or the department of the request's managing unit (a building's facility team).
     */
    registeredBy: z.union([z.strictObject({ department: z.string() }), z.strictObject({ handlingUnit: z.literal(true) })]),
    /**
     * 파기 (개인정보 보호법 §21): what of a closed request is destroyed when its retention ends — the
     * personal fields of its details (removed), its documents (files and every version), and the
     * words people wrote in its steps and history (free-text reasons). What is not personal stays.
     */
    destruction: z
      .object({ details: z.array(z.string()).default([]), documents: z.boolean().default(false), words: z.boolean().default(false) })
      .default({ details: [], documents: false, words: false }),
    /** 보존기간: how many years a decided request and its documents are kept (공공기록물법 시행령). */
    retentionYears: z.union([z.literal(1), z.literal(3), z.literal(5), z.literal(10), z.literal(30)]),
    /** The kind's own rules (caps, bands, buildings, fleet rules…), validated by the kind's module. */
    rules: z.unknown(),
  })
  .superRefine((rules, ctx) => {
    const inputs = new Set(inputsOf(rules.line));
    for (const [type, declared] of Object.entries(rules.documents.types)) {
      if (declared.attachedAt !== undefined && !inputs.has(declared.attachedAt)) {
        ctx.addIssue({
          code: 'custom',
          path: ['documents', 'types', type, 'attachedAt'],
          message: `no step of the line takes input ${declared.attachedAt}`,
        });
      }
    }
    for (const [path, timing] of [
      [[], rules],
      [['urgent'], rules.urgent],
    ] as const) {
      if (timing && toMs(timing.escalateAfter) <= toMs(timing.remindAfter)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'escalateAfter'], message: 'escalation must come after the reminder' });
      }
    }
  });

export type KindPolicy = z.infer<typeof kindPolicySchema>;
export type ApproverSelector = z.infer<typeof approverSelector>;
export type AmountTiers = z.infer<typeof amountTiers>;
export type LineStep = z.infer<typeof lineStep>;
export type LineStage = z.infer<typeof lineStage>;

/** What the engine needs of the whole policy: every kind's block by id. */
export interface KindPolicies {
  kinds: Record<string, KindPolicy>;
}

export function kindPolicyFor(policy: KindPolicies, kind: string): KindPolicy {
  const rules = policy.kinds[kind];
  if (!rules) throw new Error(`no policy configured for kind ${kind}`);
  return rules;
}

/** When a waiting step is reminded and escalated: the kind's timings, or its urgent ones for an urgent request. */
export function timingsFor(policy: KindPolicies, request: { kind: string; urgent?: boolean }): Timings {
  const rules = kindPolicyFor(policy, request.kind);
  return request.urgent && rules.urgent ? rules.urgent : { remindAfter: rules.remindAfter, escalateAfter: rules.escalateAfter };
}

/** The step inputs a line names (each must be one of its kind's). */
export const inputsOf = (line: LineStage[]): string[] =>
  line.flatMap((stage) => ('parallel' in stage ? stage.parallel : [stage])).flatMap((step) => (step.input ? [step.input] : []));

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
