import * as z from 'zod';
import type { Directory, Person } from '../directory/directory.js';
import type { KindEvents } from '../events/event-types.js';
import type { KindPolicies } from '../policies/approval-policy.js';
import type { BudgetChange } from '../ports/budget.js';
import type { CalendarHold, CalendarRelease, FleetStore } from '../ports/fleet-store.js';
import type { Clock } from '../ports/system.js';
import type { HistoryAction } from './history.js';
import { APPROVAL_STATUSES, type ApprovalStatus, type ApprovalStep, type AttachmentRef, type BaseRequest, baseRequestShape } from './request.js';

/**
 * What a request kind is, declared in one module (shared/requests/kinds/<id>.ts) with `defineKind`:
 * its fields, its policy section, its rules, who may read it, what it shows, what it does after
 * approval, and its place in finance. Nothing outside the kind's module names the kind; the
 * registry (kinds/index.ts) lists the modules and everything else iterates it.
 */

/** Label/value lines people read (emails, pages, Slack), in Korean. */
export type Lines = [string, string][];

/**
 * A per-person, per-period ledger the request takes a place in: at most `maxRequests` requests,
 * and/or at most `capKrw` reimbursed in total (a claim is covered up to what is left). A request
 * may hold several (a vaccination: the year's cap, and the vaccine's day).
 */
export interface LedgerClaim {
  key: string;
  periodLabel: string;
  maxRequests?: number;
  capKrw?: number;
  /** What a person is told when the ledger is full (default: already claimed this period). */
  duplicateMessage?: string;
}

/** What the kind computes from a valid submission. */
export interface Assessment<State> {
  amountRequested?: number;
  reimbursableAmount?: number;
  capAmount?: number;
  /** At most one of them has a `capKrw`. */
  ledgers?: LedgerClaim[];
  /** Departments the requester names, in order (a line may route to the first one's head). */
  preferredDepartments?: string[];
  /** What the line's reviewers must confirm before agreeing (such reviews cannot be skipped). */
  confirmations?: string[];
  /** A safety hazard: the handling unit hears at once, and reminders run in hours. */
  urgent?: boolean;
  /** The team responsible for the request (a building's managing team); `handling-unit` steps start there. */
  handlingTeamId?: string;
  /** The kind's own fields as the submission sets them (a transfer's effect). */
  state?: Partial<State>;
}

/** Who may read a request of the kind, and what messages about it may carry. */
export interface Privacy {
  /** Health data (개인정보 보호법 §23): emails and Slack carry no details; every read by anyone but the requester is recorded. */
  sensitive: boolean;
  /** Besides the requester and the people on its line: members of this team holding this role (e.g. welfare officers). */
  readers?: { team: string; role: string };
  /** The request's handling unit (a building's managing team) reads it, whoever on it holds the step. */
  handlingUnitReads?: boolean;
}

/** The statuses a kind's life after approval goes through, and which may follow which (besides the approval's own). */
export interface Lifecycle<L extends string> {
  statuses: Record<L, string>;
  moves: Partial<Record<ApprovalStatus | L, readonly (ApprovalStatus | L)[]>>;
}

/** A field an input step takes (the decision page renders them; the API takes them beside `decision`). */
export interface StepInputField {
  name: string;
  label: string;
  type: 'number' | 'text';
  required: boolean;
  help?: string;
}

/** What a holder records with an agreement on an input step, checked, as it will be saved. */
export interface PreparedInput<State> {
  state: Partial<State>;
  /** What goes in the decision's history entry. */
  record: Record<string, unknown>;
  /** Amounts the rest of the line may be resolved on (전결 by estimate). */
  amounts?: { estimateKrw?: number };
  /** Vehicle calendar days held in the same transaction as the decision. */
  hold?: CalendarHold[];
}

/** One of a kind's step inputs (a repair's triage, a vehicle dispatch): the line names it on a step. */
export interface StepInput<Req, R, State> {
  fields(rules: R): StepInputField[];
  /**
   * Documents the holder attaches with the input (a repair's quotes): the input field that names the
   * uploads. They are checked and bound as a submission's are, with the decision; `prepare` sees them.
   */
  documents?: { field: string };
  prepare(context: {
    request: Req;
    /** The request's documents, with those the holder attaches now (already checked). */
    attached: readonly AttachmentRef[];
    step: ApprovalStep;
    raw: Record<string, unknown>;
    actor: { id: string; name: string };
    at: string;
    /** 1 for the decision's first try; more after a concurrent change (another assignment took a calendar day first). */
    attempt: number;
    rules: R;
    fleet: FleetStore;
    clock: Clock;
  }): Promise<PreparedInput<State>>;
  /** What helps the holder fill it in on the decision page (the free vehicles right now). */
  hints?(request: Req, context: { rules: R; fleet: FleetStore }): Promise<string[]>;
}

/** What the sweep does when a follow-up of an approved request is due: pure, the sweep saves and sends it. */
export interface FollowUpOutcome<L extends string, State> {
  /** Whether it did anything a person would notice (counted in the sweep's report). */
  acted: boolean;
  status?: ApprovalStatus | L;
  state?: Partial<State>;
  /** The next follow-up, or none. */
  followUp?: BaseRequest['followUp'];
  event?: { action: HistoryAction; comment: string };
  /** An email to the requester. */
  notice?: { subject: string; intro: string; next?: string };
}

/** What approval changes outside the request on a date (a transfer: the directory, on the round's effective date). */
export interface ScheduledEffect<Req, State> {
  /** When it is due; undefined once applied or when there is nothing to apply. */
  dueAt(request: Req): string | undefined;
  /** Makes the change (idempotent: a retry after a half-done apply must not repeat it) and says what happened, in Korean. */
  apply(
    request: Req,
    context: { directory: Directory; directoryAdmin: import('../directory/directory.js').DirectoryAdmin; at: string },
  ): Promise<string>;
  /** The request's own fields once applied. */
  applied(request: Req, at: string): Partial<State>;
}

/** A kind's place in finance. */
export interface FinanceTraits<Req, R> {
  /** Finance pays its approved amount to the person (reimbursements): `POST /finance/payments` takes it. */
  payable: boolean;
  /** What approval commits, besides a payable amount (a repair's estimate). */
  committedKrw?(request: Req): number | undefined;
  /** Totals per repaired building: the building of a request and its name. */
  building?: { of(request: Req): string | undefined; name(rules: R, id: string): string };
  /** The budget lines the kind's own figures (committed, spent) go to: each must be in `finance.budgetLines`. */
  budgetLines?(rules: R): string[];
}

/** An API route only this kind has (a repair's work report, a booking's trip log); the stack adds it to the API. */
export interface KindRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** The handler module, relative to the project root. */
  entry: string;
  /** The operation the handler answers (its contract: functions/http/contract/operations.ts). */
  operationId: string;
  /** What the function may do with the table. */
  access: 'read' | 'read-write';
  /** Sends email (and Slack): gets the mail settings. */
  tells?: boolean;
}

/** The kind's own fields (none for most kinds), as zod infers them. */
export type KindState<S extends z.ZodRawShape> = [keyof S] extends [never] ? Record<never, never> : z.infer<z.ZodObject<S>>;

/** A request of one kind, as stored. */
export type KindRequest<Id extends string, D, S extends z.ZodRawShape, L extends string> = Omit<BaseRequest, 'kind' | 'status' | 'details'> & {
  kind: Id;
  status: ApprovalStatus | L;
  details: D;
} & KindState<S>;

/** What a kind declares. `Req` is its request type; `State` its own fields. */
export interface KindSpec<Id extends string, D, R, S extends z.ZodRawShape, L extends string> {
  id: Id;
  /** Korean name shown to people. */
  label: string;
  /** English, for operators (the state machine's comment). */
  description: string;
  /** The body a requester submits (besides `kind`): a strict object. */
  details: z.ZodType<D>;
  /** Its policy section's `rules` (office-policy.json `kinds[<id>].rules`). */
  rules: z.ZodType<R>;
  /** Its own request fields (after approval, or per round), as zod fields; all optional. */
  state: S;
  /** What a new round (a resubmission) clears of the last one's own fields (its triage, the vehicle it held). */
  newRound?(request: KindRequest<Id, D, S, L>): Partial<KindState<S>>;
  privacy: Privacy;
  lifecycle?: Lifecycle<L>;
  /** Checks that need the directory or the fleet (e.g. that named departments exist); throws a 4xx AppError. */
  validate?(details: D, context: { directory: Directory; requester: Person; fleet: FleetStore; rules: R }): Promise<void>;
  /** Applies the kind's rules to a valid submission; throws a 4xx AppError when one is broken. */
  assess(details: D, context: { requester: Person; today: string; now: Date; rules: R }): Assessment<KindState<S>>;
  /** Label/value lines for pages (and, unless sensitive, emails and Slack). */
  summarize(details: D, rules: R): Lines;
  /** Where it stands, for every message about it (a triage estimate, the vehicle held): never health data. */
  progress?(request: KindRequest<Id, D, S, L>, rules: R): Lines;
  /** What the requester's outcome email adds, and what they do next. */
  outcome?(request: KindRequest<Id, D, S, L>): { lines: Lines; next?: string };
  /** What approval sets going, for kinds whose process goes on (a repair starts, charged to its budget line). Pure. */
  afterApproval?(
    request: KindRequest<Id, D, S, L>,
    context: { at: string; rules: R },
  ): { status?: L; state?: Partial<KindState<S>>; followUp?: BaseRequest['followUp']; budget?: BudgetChange[] };
  /** Gives back what the request holds besides its ledger places (a vehicle), when its round ends without approval or it is cancelled. */
  release?(request: KindRequest<Id, D, S, L>, at: string): { state: Partial<KindState<S>>; calendar: CalendarRelease[] } | undefined;
  inputs?: Record<string, StepInput<KindRequest<Id, D, S, L>, R, KindState<S>>>;
  followUps?: Record<string, (request: KindRequest<Id, D, S, L>, context: { now: Date; rules: R }) => FollowUpOutcome<L, KindState<S>>>;
  effect?: ScheduledEffect<KindRequest<Id, D, S, L>, KindState<S>>;
  /** Who in the handling unit hears of an urgent request at once. */
  urgentNotice?(rules: R): { teamLeader: boolean; roles: string[] };
  finance: FinanceTraits<KindRequest<Id, D, S, L>, R>;
  /** The domain events of the kind's own process (a booking assigned, a transfer in effect), beside every kind's. */
  events?: KindEvents<KindRequest<Id, D, S, L>>;
  /** Attributes that put the request in an index of its own access pattern (a transfer's round). */
  indexes?(request: KindRequest<Id, D, S, L>): Record<string, string>;
  routes?: readonly KindRoute[];
}

/** A declared kind: its spec, plus what is derived from it once (the stored schema, its guard, its rules). */
export type Kind<Id extends string, D, R, S extends z.ZodRawShape, L extends string> = KindSpec<Id, D, R, S, L> & {
  /** The stored request of this kind: the base fields, `kind`, its statuses, its details and its own fields. */
  requestSchema: VariantSchema<Id, D, S, L>;
  /** Every status a request of the kind can have, with the Korean word for it. */
  statuses: readonly (ApprovalStatus | L)[];
  /** Whether `request` is of this kind (its type then says so). */
  is(request: { kind: string }): request is KindRequest<Id, D, S, L>;
  /** The kind's rules in `policy` (validated when the policy was loaded). */
  rulesOf(policy: KindPolicies): R;
};

function variantSchema<Id extends string, D, S extends z.ZodRawShape, L extends string>(
  id: Id,
  statuses: readonly (ApprovalStatus | L)[],
  details: z.ZodType<D>,
  state: S,
) {
  return z.object({ ...baseRequestShape, kind: z.literal(id), status: z.enum(statuses), details, ...state });
}
type VariantSchema<Id extends string, D, S extends z.ZodRawShape, L extends string> = ReturnType<typeof variantSchema<Id, D, S, L>>;

/** Declares a kind. The module that calls it is the one place the kind is described. */
export function defineKind<const Id extends string, D extends Record<string, unknown>, R, S extends z.ZodRawShape, L extends string = never>(
  spec: KindSpec<Id, D, R, S, L>,
): Kind<Id, D, R, S, L> {
  const approval = new Set<string>(APPROVAL_STATUSES);
  const lifecycleStatuses = Object.keys(spec.lifecycle?.statuses ?? {}).filter((status): status is L => !approval.has(status));
  const statuses: (ApprovalStatus | L)[] = [...APPROVAL_STATUSES, ...lifecycleStatuses];
  const requestSchema = variantSchema(spec.id, statuses, spec.details, spec.state);
  const rulesCache = new WeakMap<object, R>();
  return {
    ...spec,
    requestSchema,
    statuses,
    is: (request): request is KindRequest<Id, D, S, L> => request.kind === spec.id,
    rulesOf(policy) {
      const block = policy.kinds[spec.id];
      if (!block) throw new Error(`no policy configured for kind ${spec.id}`);
      const cached = rulesCache.get(block);
      if (cached !== undefined) return cached;
      const rules = spec.rules.parse(block.rules);
      rulesCache.set(block, rules);
      return rules;
    },
  };
}
