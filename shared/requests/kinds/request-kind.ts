import type * as z from 'zod';
import type { Directory, Person } from '../../directory/directory.js';
import type { OfficePolicy } from '../../policies/office-policy.js';

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
}

export type RequestEffect = { type: 'transfer'; departmentId: string; effectiveDate: string; roundId: string };

export interface AssessmentContext {
  requester: Person;
  /** Today in Asia/Seoul. */
  today: string;
  policy: OfficePolicy;
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
  /** Checks that need the directory (e.g. that named departments exist); throws a 4xx AppError. */
  validate?(details: D, context: { directory: Directory; requester: Person }): Promise<void>;
  /** Throws a 4xx AppError when a rule is broken. */
  assess(details: D, context: AssessmentContext): Assessment;
  /** Label/value lines for emails and pages, in Korean. */
  summarize(details: D): [string, string][];
}
