import type * as z from 'zod';
import type { Directory, Person } from '../../directory/directory.js';
import type { OfficePolicy } from '../../policies/office-policy.js';
import type { BudgetChange, FleetStore } from '../../ports/ports.js';
import type { ApprovalRequest, HistoryEvent } from '../request.js';

/** What the kind computes from a valid submission. */
export interface Assessment {
  amountRequested?: number;
  reimbursableAmount?: number;
  capAmount?: number;
  /**
   * A per-person, per-period ledger the request takes a place in: at most `maxRequests` requests,
   * and/or at most `capKrw` reimbursed in total (a claim is covered up to what is left).
   */
  ledger?: { key: string; periodLabel: string; maxRequests?: number; capKrw?: number; duplicateMessage?: string };
  /** Departments the requester names, in order (a line may route to the first one's head). */
  preferredDepartments?: string[];
  /** What the line's reviewers must confirm before agreeing (such reviews cannot be skipped). */
  confirmations?: string[];
  /** What approval changes outside the request, and when (a transfer: the directory, on the round's effective date). */
  effect?: RequestEffect;
  /** A safety hazard: the responsible unit hears at once, and reminders run in hours. */
  urgent?: boolean;
  /** The team responsible for the request (a building's managing team); `handling-unit` steps start there. */
  handlingTeamId?: string;
}

export type RequestEffect = { type: 'transfer'; departmentId: string; effectiveDate: string; roundId: string };

export interface AssessmentContext {
  requester: Person;
  /** Today in Asia/Seoul. */
  today: string;
  now: Date;
  policy: OfficePolicy;
}

/** What approval sets going for a kind with more to do afterwards (a repair's work, a booking's trip log). */
export interface AfterApproval {
  request: ApprovalRequest;
  events?: HistoryEvent[];
  budget?: BudgetChange[];
}

/** One request kind: its submitted fields, its rules, and how people see it. */
export interface RequestKind<D extends Record<string, unknown> = Record<string, unknown>> {
  kind: string;
  /** Korean name shown to people. */
  label: string;
  /** Health data (개인정보 보호법 §23): only participants see it, and reads are logged. */
  sensitive: boolean;
  /** Besides the requester and the people on its line, who may read a request of this kind (e.g. 교육후생팀 welfare officers). */
  readableBy?: { team: string; role: string };
  detailsSchema: z.ZodType<D>;
  /** Checks that need the directory or the fleet (e.g. that named departments exist); throws a 4xx AppError. */
  validate?(details: D, context: { directory: Directory; requester: Person; fleet: FleetStore; policy: OfficePolicy }): Promise<void>;
  /** Throws a 4xx AppError when a rule is broken. */
  assess(details: D, context: AssessmentContext): Assessment;
  /** Label/value lines for emails and pages, in Korean. */
  summarize(details: D): [string, string][];
  /** The approved request's next state, for kinds whose process goes on after approval. Pure. */
  afterApproval?(request: ApprovalRequest, context: { at: string; policy: OfficePolicy }): AfterApproval;
}
