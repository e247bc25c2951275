import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { documentLimitsSchema } from '../documents/document-policy.js';
import { isKindId, kindById, kindIds } from '../requests/kinds/index.js';
import { kindPolicyIssues } from '../requests/per-kind.js';
import { inputsOf, kindPolicySchema, krw } from './approval-policy.js';
import policyData from './office-policy.json' with { type: 'json' };

/**
 * The office's rules as data. Defaults from DOMAIN.md live in office-policy.json, so the division
 * can change a cap, a band, an approval line or a 전결 table without touching code. Each kind's
 * block (`kinds[<id>]`) holds its line, timers and place in finance, and its own `rules`, which
 * its module validates; this module validates the whole once, at load.
 */
export const officePolicySchema = z
  .object({
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
      /**
       * 보완 요청: business days the requester has to answer before the request returns (반려), and
       * how many business days before that they are reminded. At most 10: the workflow's backstop
       * for the wait (twice that in calendar days, plus two) stays within what the local emulator can time.
       */
      supplement: z.object({ answerBusinessDays: z.int().positive().max(10), remindBusinessDaysBefore: z.int().nonnegative() }),
      /**
       * Days a request may wait, returned (반려) or recalled (회수), for its requester to revise and
       * resubmit or withdraw it; then the timer sweep withdraws it (철회) and tells them. Without an
       * end it would never close, so its 보존기간 would never start and what is personal in it would
       * be kept for good (개인정보 보호법 §21).
       */
      abandonAfterDays: z.int().positive().max(3660),
    }),
    finance: z.object({
      /** Below this many claims in a month, a department is not named in finance views of kinds that hide small groups (merged into 기타). */
      minimumGroupSize: z.int().positive(),
      /** Who gets the monthly report: members of this team holding this role. */
      reportRecipients: z.object({ team: z.string(), role: z.string() }),
      /** Budget lines with their yearly budget (KRW, by Seoul calendar year); kinds say which they charge. */
      budgetLines: z.record(z.string(), z.object({ name: z.string(), budgetKrw: z.record(z.string().regex(/^\d{4}$/), krw) })),
    }),
    /** Who gets the access log's monthly check (개인정보 접속기록 점검): members of this team holding this role. */
    privacy: z.object({ officers: z.object({ team: z.string(), role: z.literal('privacy-officer') }) }),
    /** What every uploaded document must be (size, type) and how long its URLs live. */
    documents: documentLimitsSchema,
    kinds: z.record(z.string(), kindPolicySchema),
  })
  .superRefine((policy, ctx) => {
    const budgetLines = Object.keys(policy.finance.budgetLines);
    for (const id of kindIds) {
      const block = policy.kinds[id];
      if (!block) {
        ctx.addIssue({ code: 'custom', path: ['kinds', id], message: `no policy block for kind ${id}` });
        continue;
      }
      // 파기 removes fields the kind's details have (and only optional ones could be missing otherwise).
      const shape = (kindById(id).details as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      for (const [index, field] of block.destruction.details.entries()) {
        if (!Object.hasOwn(shape, field)) {
          ctx.addIssue({ code: 'custom', path: ['kinds', id, 'destruction', 'details', index], message: `${id} has no detail ${field}` });
        }
      }
      // Health data stays with the people who must see it (개인정보 보호법 §23): no 공람, no 참조.
      if (kindById(id).privacy.sensitive && (block.circulation.readers.length > 0 || block.circulation.copies > 0)) {
        ctx.addIssue({ code: 'custom', path: ['kinds', id, 'circulation'], message: `${id} holds health data: no circulation readers or copies` });
      }
      const issues = kindPolicyIssues(id, { rules: block.rules, inputs: inputsOf(block.line), budgetLine: block.finance.budgetLine }, budgetLines);
      for (const issue of issues) ctx.addIssue({ code: 'custom', path: ['kinds', id, ...issue.path], message: issue.message });
    }
    for (const id of Object.keys(policy.kinds)) {
      if (!isKindId(id)) ctx.addIssue({ code: 'custom', path: ['kinds', id], message: `${id} is not a request kind` });
    }
  });

export type OfficePolicy = z.infer<typeof officePolicySchema>;

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

/**
 * The version of a policy: the first 16 hex digits of the SHA-256 of its canonical JSON (keys
 * sorted), so the same rules always have the same version and any change of a rule a new one.
 * A request records the version it was submitted and decided under.
 */
export function policyVersion(policy: OfficePolicy): string {
  const known = versions.get(policy);
  if (known) return known;
  const version = contentVersion(policy);
  versions.set(policy, version);
  return version;
}
const versions = new WeakMap<OfficePolicy, string>();

/** The version of any policy's data, also of one the register kept from before today's schema. */
export function contentVersion(policy: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonicalPolicy(policy)))
    .digest('hex')
    .slice(0, 16);
}

/** A policy's data with its keys sorted and nothing undefined: what its version is the hash of, and what the register keeps. */
export function canonicalPolicy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalPolicy);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, field]) => [key, canonicalPolicy(field)]),
  );
}

/** The bundled policy as written (for tests and tools that derive a variant of it). */
export const bundledPolicyData: unknown = policyData;
