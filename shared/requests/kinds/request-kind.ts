import type * as z from 'zod';
import type { Person } from '../../directory/directory.js';
import type { OfficePolicy } from '../../policies/office-policy.js';

/** What the kind computes from a valid submission. */
export interface Assessment {
  amountRequested?: number;
  reimbursableAmount?: number;
  capAmount?: number;
  /** A per-person, per-period limit on how many requests may hold a place at once. */
  ledger?: { key: string; maxRequests: number; periodLabel: string };
}

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
  detailsSchema: z.ZodType<D>;
  /** Throws a 4xx AppError when a rule is broken. */
  assess(details: D, context: AssessmentContext): Assessment;
  /** Label/value lines for emails and pages, in Korean. */
  summarize(details: D): [string, string][];
}
