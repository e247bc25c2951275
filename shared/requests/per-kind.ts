import type * as z from 'zod';
import type { Directory, DirectoryAdmin, Person } from '../directory/directory.js';
import type { KindPolicies } from '../policies/approval-policy.js';
import type { BudgetChange } from '../ports/budget.js';
import type { CalendarRelease, FleetStore } from '../ports/fleet-store.js';
import type { Clock } from '../ports/system.js';
import type {
  Assessment,
  FinanceTraits,
  FollowUpOutcome,
  KindRoute,
  KindState,
  Lines,
  Privacy,
  ScheduledEffect,
  StepInput,
  StepInputField,
} from './kind.js';
import { type DetailsOf, type KindById, type KindId, kindIds, kinds, type RequestOf, type RulesOf } from './kinds/index.js';
import { moved } from './moves.js';
import type { ApprovalStep, AttachmentRef, BaseRequest } from './request.js';

/**
 * What the engine asks of a request's kind, for any request: each call finds the request's kind and
 * hands it the request, its details and its rules typed as that kind's (the registry's map keeps the
 * kind and its request in step, so nothing is cast).
 */
type StateOf<K extends KindId> = KindState<KindById<K>['state']>;
type StatusOf<K extends KindId> = KindById<K>['statuses'][number];

interface Ops<K extends KindId> {
  id: K;
  label: string;
  description: string;
  privacy: Privacy;
  details: z.ZodType<DetailsOf<K>>;
  newRound?(request: RequestOf<K>): Partial<StateOf<K>>;
  /** The schema of its policy block's `rules`. */
  rules: z.ZodType<RulesOf<K>>;
  rulesOf(policy: KindPolicies): RulesOf<K>;
  validate?(details: DetailsOf<K>, context: { directory: Directory; requester: Person; fleet: FleetStore; rules: RulesOf<K> }): Promise<void>;
  assess(details: DetailsOf<K>, context: { requester: Person; today: string; now: Date; rules: RulesOf<K> }): Assessment<StateOf<K>>;
  summarize(details: DetailsOf<K>, rules: RulesOf<K>): Lines;
  progress?(request: RequestOf<K>, rules: RulesOf<K>): Lines;
  outcome?(request: RequestOf<K>): { lines: Lines; next?: string };
  afterApproval?(
    request: RequestOf<K>,
    context: { at: string; rules: RulesOf<K> },
  ): { status?: StatusOf<K>; state?: Partial<StateOf<K>>; followUp?: BaseRequest['followUp']; budget?: BudgetChange[] };
  release?(request: RequestOf<K>, at: string): { state: Partial<StateOf<K>>; calendar: CalendarRelease[] } | undefined;
  inputs?: Record<string, StepInput<RequestOf<K>, RulesOf<K>, StateOf<K>>>;
  followUps?: Record<string, (request: RequestOf<K>, context: { now: Date; rules: RulesOf<K> }) => FollowUpOutcome<StatusOf<K>, StateOf<K>>>;
  effect?: ScheduledEffect<RequestOf<K>, StateOf<K>>;
  urgentNotice?(rules: RulesOf<K>): { teamLeader: boolean; roles: string[] };
  finance: FinanceTraits<RequestOf<K>, RulesOf<K>>;
  indexes?(request: RequestOf<K>): Record<string, string>;
  routes?: readonly KindRoute[];
}

const registry: { [K in KindId]: Ops<K> } = kinds;

/** The kind behind `id`, seen through what the engine asks of it. */
const kindOps = <K extends KindId>(id: K): Ops<K> => registry[id];

/** How a request reads in messages: its kind's name, its details (unless sensitive) and where it stands. */
export interface RequestDescription {
  label: string;
  sensitive: boolean;
  summary: Lines;
  progress: Lines;
}

export function describe<K extends KindId>(request: RequestOf<K>, policy: KindPolicies): RequestDescription {
  const kind = kindOps<K>(request.kind);
  const rules = kind.rulesOf(policy);
  return {
    label: kind.label,
    sensitive: kind.privacy.sensitive,
    summary: kind.summarize(request.details, rules),
    progress: kind.progress?.(request, rules) ?? [],
  };
}

/** What the requester's outcome email adds for the kind, and what they do next. */
export function outcomeOf<K extends KindId>(request: RequestOf<K>): { lines: Lines; next?: string } {
  return kindOps<K>(request.kind).outcome?.(request) ?? { lines: [] };
}

/** The submission's details, parsed by its kind (a 400 in Korean for anything else). */
export function submittedDetails<K extends KindId>(kind: K, fields: unknown): z.ZodSafeParseResult<DetailsOf<K>> {
  return kindOps(kind).details.safeParse(fields);
}

/** The kind's rules applied to a submission (or a revision): checks that need the directory or fleet, then the pure rules. */
export async function assessSubmission<K extends KindId>(
  kind: K,
  details: DetailsOf<K>,
  context: { directory: Directory; requester: Person; fleet: FleetStore; policy: KindPolicies; now: Date; today: string },
): Promise<Assessment<StateOf<K>>> {
  const ops = kindOps(kind);
  await ops.validate?.(details, {
    directory: context.directory,
    requester: context.requester,
    fleet: context.fleet,
    rules: ops.rulesOf(context.policy),
  });
  return reassess(kind, details, context);
}

/** The kind's pure rules applied again (on resubmission: a transfer's round or eligibility may have moved since). */
export function reassess<K extends KindId>(
  kind: K,
  details: DetailsOf<K>,
  context: { requester: Person; policy: KindPolicies; now: Date; today: string },
): Assessment<StateOf<K>> {
  const ops = kindOps(kind);
  return ops.assess(details, { requester: context.requester, today: context.today, now: context.now, rules: ops.rulesOf(context.policy) });
}

/**
 * An approved request as its kind carries it on (a repair goes in progress, charged to its budget
 * line; a booking waits for its trip log), with the budget figures that move with it.
 */
export function carriedOn<K extends KindId>(
  request: RequestOf<K>,
  context: { at: string; policy: KindPolicies },
): { request: RequestOf<K>; budget?: BudgetChange[] } {
  const kind = kindOps<K>(request.kind);
  const after = kind.afterApproval?.(request, { at: context.at, rules: kind.rulesOf(context.policy) });
  if (!after) return { request };
  const next = moved(request, context.at, {
    ...request,
    ...after.state,
    ...(after.status ? { status: after.status } : {}),
    ...(after.followUp ? { followUp: after.followUp } : {}),
  });
  return { request: next, budget: after.budget };
}

/** The request once it has given back what its kind holds besides ledger places (a vehicle), with the calendar days to free. */
export function released<K extends KindId>(request: RequestOf<K>, at: string): { request: RequestOf<K>; calendar?: CalendarRelease[] } {
  const release = kindOps<K>(request.kind).release?.(request, at);
  return release ? { request: { ...request, ...release.state, followUp: undefined }, calendar: release.calendar } : { request };
}

/** The request without the last round's own fields (its triage, the vehicle it held), for a new round. */
export function forNewRound<K extends KindId>(request: RequestOf<K>): RequestOf<K> {
  return { ...request, ...kindOps<K>(request.kind).newRound?.(request) };
}

/** The fields an input step of the request's kind takes, and what helps fill them in. */
export async function inputFormOf<K extends KindId>(
  request: RequestOf<K>,
  input: string,
  context: { policy: KindPolicies; fleet: FleetStore },
): Promise<{ fields: StepInputField[]; hints: string[] }> {
  const kind = kindOps<K>(request.kind);
  const spec = kind.inputs?.[input];
  if (!spec) throw new Error(`kind ${request.kind} has no step input ${input}`);
  const rules = kind.rulesOf(context.policy);
  return { fields: spec.fields(rules), hints: (await spec.hints?.(request, { rules, fleet: context.fleet })) ?? [] };
}

/** An agreement's input on an input step, checked by the request's kind, as it will be saved. */
export async function prepareInput<K extends KindId>(
  request: RequestOf<K>,
  input: {
    step: ApprovalStep;
    name: string;
    raw: Record<string, unknown>;
    actor: { id: string; name: string };
    at: string;
    attempt: number;
    attached: readonly AttachmentRef[];
  },
  context: { policy: KindPolicies; fleet: FleetStore; clock: Clock },
) {
  const kind = kindOps<K>(request.kind);
  const spec = kind.inputs?.[input.name];
  if (!spec) throw new Error(`kind ${request.kind} has no step input ${input.name}`);
  const prepared = await spec.prepare({ ...input, request, rules: kind.rulesOf(context.policy), fleet: context.fleet, clock: context.clock });
  return { ...prepared, request: { ...request, ...prepared.state } };
}

/**
 * The due follow-up of an approved request, as its kind decides it (pure): the request after it
 * (its next follow-up or none) and what to record and send. Undefined if its kind has none by that name.
 */
export function followedUp<K extends KindId>(
  request: RequestOf<K>,
  context: { now: Date; policy: KindPolicies },
): { request: RequestOf<K>; outcome: FollowUpOutcome<StatusOf<K>, StateOf<K>> } | undefined {
  const kind = kindOps<K>(request.kind);
  const action = request.followUp?.action;
  const followUp = action === undefined ? undefined : kind.followUps?.[action];
  const outcome = followUp?.(request, { now: context.now, rules: kind.rulesOf(context.policy) });
  if (!outcome) return undefined;
  const at = context.now.toISOString();
  return {
    request: moved(request, at, { ...request, ...outcome.state, ...(outcome.status ? { status: outcome.status } : {}), followUp: outcome.followUp }),
    outcome,
  };
}

/** When the request's scheduled effect (a transfer) is due, if it has one still to apply. */
export function effectDueAt<K extends KindId>(request: RequestOf<K>): string | undefined {
  return kindOps<K>(request.kind).effect?.dueAt(request);
}

/** Applies the request's scheduled effect (a transfer moves the person); returns the request once applied and what happened. */
export async function effectApplied<K extends KindId>(
  request: RequestOf<K>,
  context: { directory: Directory; directoryAdmin: DirectoryAdmin; at: string },
): Promise<{ request: RequestOf<K>; comment: string }> {
  const effect = kindOps<K>(request.kind).effect;
  if (!effect) throw new Error(`kind ${request.kind} has no scheduled effect`);
  const comment = await effect.apply(request, context);
  return { request: moved(request, context.at, { ...request, ...effect.applied(request, context.at) }), comment };
}

/** Attributes that put the request in its kind's own indexes (a transfer's round). */
export function kindIndexesOf<K extends KindId>(request: RequestOf<K>): Record<string, string> {
  return kindOps<K>(request.kind).indexes?.(request) ?? {};
}

/** Who in the handling unit hears of an urgent request at once, if its kind says. */
export function urgentNoticeOf<K extends KindId>(request: RequestOf<K>, policy: KindPolicies) {
  const kind = kindOps<K>(request.kind);
  return kind.urgentNotice?.(kind.rulesOf(policy));
}

/** The request's place in finance: paid out or not, what approval commits, its building. */
export function financeTraitsOf<K extends KindId>(request: RequestOf<K>) {
  const traits = kindOps<K>(request.kind).finance;
  return { payable: traits.payable, committedKrw: traits.committedKrw?.(request), building: traits.building?.of(request) };
}

/**
 * What is wrong with a kind's policy block, for the policy's validation at load: its rules against
 * the kind's schema, the step inputs its line names, and the budget lines it charges.
 */
export function kindPolicyIssues<K extends KindId>(
  id: K,
  block: { rules: unknown; inputs: string[]; budgetLine?: string },
  budgetLines: string[],
): { path: (string | number)[]; message: string }[] {
  const kind = kindOps(id);
  const issues: { path: (string | number)[]; message: string }[] = [];
  const rules = kind.rules.safeParse(block.rules);
  if (!rules.success) issues.push(...rules.error.issues.map((issue) => ({ path: ['rules', ...issue.path.map(String)], message: issue.message })));
  for (const input of block.inputs) {
    if (!kind.inputs?.[input]) issues.push({ path: ['line'], message: `${id} has no step input ${input}` });
  }
  const charged = [...(block.budgetLine ? [block.budgetLine] : []), ...(rules.success ? (kind.finance.budgetLines?.(rules.data) ?? []) : [])];
  for (const line of charged) {
    if (!budgetLines.includes(line)) issues.push({ path: ['finance', 'budgetLine'], message: `unknown budget line ${line}` });
  }
  return issues;
}

const buildingNameFor = <K extends KindId>(kind: K, id: string, policy: KindPolicies): string | undefined => {
  const ops = kindOps(kind);
  return ops.finance.building?.name(ops.rulesOf(policy), id);
};

/** The name of a building some kind totals by (a repaired building), or its id. */
export function buildingName(id: string, policy: KindPolicies): string {
  for (const kind of kindIds) {
    const name = buildingNameFor(kind, id, policy);
    if (name !== undefined) return name;
  }
  return id;
}

const ownBudgetLinesOf = <K extends KindId>(kind: K, policy: KindPolicies): string[] => {
  const ops = kindOps(kind);
  return ops.finance.budgetLines?.(ops.rulesOf(policy)) ?? [];
};

/** The budget lines whose figures kinds keep themselves (committed, spent: a repair's building lines). */
export const ownBudgetLines = (policy: KindPolicies): Set<string> => new Set(kindIds.flatMap((kind) => ownBudgetLinesOf(kind, policy)));

/** The field of a step input that names documents the holder attaches with it (a repair's quotes), if any. */
export function inputDocumentsField(kind: KindId, input: string): string | undefined {
  return kindOps(kind).inputs?.[input]?.documents?.field;
}
