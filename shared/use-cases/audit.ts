import * as z from 'zod';
import { type Directory, employeeIdPattern } from '../directory/directory.js';
import { tableCsv } from '../kernel/csv.js';
import { ForbiddenError } from '../kernel/errors.js';
import { formatSeoulDateTime } from '../kernel/seoul-time.js';
import { invalidInput, isoDate, parseOrThrow } from '../kernel/validation.js';
import type { DecidedPosition, RequestStore } from '../ports/request-store.js';
import { type ApprovalRequest, findKind, kindById, kindIds, requestStatuses, statusLabel } from '../requests/kinds/index.js';
import type { ApprovalStep } from '../requests/request.js';

/**
 * The auditor's view across requests: who decided what, as whom (대결), under which rule (전결),
 * through which channel — found by the month of the decision (a sparse index of numbered requests),
 * so a search reads what its months hold, never the table. Health details stay out: a health
 * kind's requester is not named here, and nothing of its content is.
 */

export const AUDIT_ROLE = 'auditor';
/** The longest span one search or export covers. */
const MAX_SPAN_DAYS = 366;

export const seoulStart = (date: string) => new Date(`${date}T00:00:00+09:00`).toISOString();
export const seoulEnd = (date: string) => new Date(Date.parse(`${date}T00:00:00+09:00`) + 86_400_000 - 1).toISOString();

/** The Seoul months `from`…`to` touch, in order. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let [year, month] = from.slice(0, 7).split('-').map(Number) as [number, number]; ; ) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= to.slice(0, 7)) return months;
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
}

const range = z
  .object({ from: isoDate('시작일(from)'), to: isoDate('종료일(to)') })
  .refine((query) => query.from <= query.to, { path: ['to'], error: '종료일(to)은 시작일(from)과 같거나 뒤여야 합니다' })
  .refine((query) => Date.parse(query.to) - Date.parse(query.from) <= MAX_SPAN_DAYS * 86_400_000, {
    path: ['to'],
    error: `한 번에 ${MAX_SPAN_DAYS}일까지 조회할 수 있습니다`,
  });

export const auditDecisionsQuery = range;

export const auditSearchQuery = z
  .object({
    from: isoDate('시작일(from)'),
    to: isoDate('종료일(to)'),
    kind: z.enum(kindIds, { error: `요청 종류(kind)는 다음 중 하나여야 합니다: ${kindIds.join(', ')}` }).optional(),
    departmentId: z.string().max(60, { error: '부서(departmentId)가 너무 깁니다' }).optional(),
    approverId: z.string().regex(employeeIdPattern, { error: '결재자(approverId)는 직원 번호(E와 네 자리 이상의 숫자)여야 합니다' }).optional(),
    status: z.enum(requestStatuses, { error: `상태(status)는 다음 중 하나여야 합니다: ${requestStatuses.join(', ')}` }).optional(),
    decidedAs: z.enum(['전결', '대결'], { error: '결재 방식(decidedAs)은 전결 또는 대결이어야 합니다' }).optional(),
    limit: z.coerce
      .number({ error: 'limit은 숫자여야 합니다' })
      .int({ error: 'limit은 정수여야 합니다' })
      .min(1, { error: 'limit은 1 이상이어야 합니다' })
      .max(100, { error: 'limit은 100 이하여야 합니다' })
      .default(50),
    nextToken: z.string().max(2000).optional(),
  })
  .superRefine((query, ctx) => {
    const checked = range.safeParse(query);
    for (const issue of checked.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

/** Where a search resumes: the month, and the last request it gave there. */
const pageToken = z.strictObject({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  at: z.string().max(40),
  requestId: z.string().max(40),
});
type PageToken = z.infer<typeof pageToken>;

const encodeToken = (token: PageToken) => Buffer.from(JSON.stringify(token)).toString('base64url');

function decodeToken(token: string): PageToken {
  try {
    return pageToken.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw invalidInput([{ path: 'nextToken', message: '이전 응답의 nextToken 값을 그대로 보내세요' }]);
  }
}

/** Each decided step of a request: who, for whom, how (전결, 대결), when, through which channel, under which rule. */
function decisionsOf(request: ApprovalRequest) {
  return request.steps
    .filter((step): step is ApprovalStep & { decidedAt: string } => step.decidedAt !== undefined)
    .map((step) => ({
      stepIndex: step.index,
      action: step.action,
      approverId: step.decidedBy ?? step.approverId,
      approverName: step.approverName,
      ...(step.actingForId ? { actingForId: step.actingForId, actingForName: step.actingForName } : {}),
      decision: step.status === 'rejected' ? ('reject' as const) : ('approve' as const),
      decidedAt: step.decidedAt,
      markers: [...(step.delegatedAuthority ? (['전결'] as const) : []), ...(step.actingForId ? (['대결'] as const) : [])],
      ...(step.delegatedAuthority ? { rule: step.delegatedAuthority } : {}),
      ...(step.channel ? { channel: step.channel } : {}),
    }));
}

export function makeAudit({ requests, directory }: { requests: RequestStore; directory: Directory }) {
  async function requireAuditor(callerId: string) {
    const caller = await directory.person(callerId);
    if (!caller?.roles.includes(AUDIT_ROLE)) throw new ForbiddenError('감사 담당자만 조회할 수 있습니다.');
  }

  /** Every numbered request decided in the Seoul dates `from`…`to`, month by month, page by page (from `start` on). */
  async function* decided(from: string, to: string, start?: PageToken, pageSize = 100) {
    const bounds = { from: seoulStart(from), to: seoulEnd(to) };
    for (const month of monthsBetween(from, to)) {
      if (start && month < start.month) continue;
      let after: DecidedPosition | undefined = start?.month === month ? { at: start.at, requestId: start.requestId } : undefined;
      for (let more = true; more; ) {
        const page = await requests.decidedIn(month, bounds, { limit: pageSize, after });
        for (const request of page.items) yield { request, month };
        const last = page.items.at(-1);
        more = page.more && last?.registration !== undefined;
        if (last?.registration) after = { at: last.registration.at, requestId: last.id };
      }
    }
  }

  return {
    /** `GET /audit/requests`: decided requests matching the filters, oldest decision first, with each step's decision. */
    async search(input: { callerId: string; query: unknown }) {
      await requireAuditor(input.callerId);
      const query = parseOrThrow(auditSearchQuery, input.query ?? {});
      const start = query.nextToken ? decodeToken(query.nextToken) : undefined;
      const items: ReturnType<typeof auditItem>[] = [];
      let last: PageToken | undefined;
      let nextToken: string | null = null;
      // One more than the page, so a full page knows whether another follows; filters read on as needed.
      for await (const { request, month } of decided(query.from, query.to, start, query.limit + 1)) {
        if (!matches(request, query)) continue;
        if (items.length === query.limit) {
          // One more matches: the next page resumes after the last one given.
          nextToken = last ? encodeToken(last) : null;
          break;
        }
        items.push(auditItem(request));
        last = { month, at: request.registration?.at ?? '', requestId: request.id };
      }
      return { items, nextToken };
    },

    /** `GET /audit/decisions.csv`: one row per decision in the range, with Korean headers; UTF-8 with BOM, CRLF. */
    async decisionsCsv(input: { callerId: string; query: unknown }): Promise<Buffer> {
      await requireAuditor(input.callerId);
      const query = parseOrThrow(auditDecisionsQuery, input.query ?? {});
      const departments = new Map((await directory.departments()).map((department) => [department.id, department.name]));
      const channels: Record<string, string> = { 'email-link': '메일 링크', api: 'API', slack: 'Slack' };
      const rows: string[][] = [];
      for await (const { request } of decided(query.from, query.to)) {
        for (const decision of decisionsOf(request)) {
          rows.push([
            request.registration?.number ?? '',
            kindById(request.kind).label,
            departments.get(request.departmentId) ?? request.departmentId,
            decision.actingForName ? `${decision.approverName} (${decision.actingForName} 대결)` : decision.approverName,
            decision.markers.join('·'),
            decision.decision === 'approve' ? '승인' : '반려',
            formatSeoulDateTime(decision.decidedAt),
            decision.channel ? (channels[decision.channel] ?? decision.channel) : '',
          ]);
        }
      }
      return tableCsv(['문서번호', '종류', '부서', '결재자', '대결/전결', '결정', '일시', '채널'], rows);
    },
  };
}

function matches(request: ApprovalRequest, query: z.infer<typeof auditSearchQuery>): boolean {
  const decided = request.steps.filter((step) => step.decidedAt !== undefined);
  if (query.kind && request.kind !== query.kind) return false;
  if (query.departmentId && request.departmentId !== query.departmentId) return false;
  if (query.status && request.status !== query.status) return false;
  if (query.approverId && !decided.some((step) => (step.decidedBy ?? step.approverId) === query.approverId || step.actingForId === query.approverId))
    return false;
  if (query.decidedAs === '전결' && !decided.some((step) => step.delegatedAuthority && step.status === 'approved')) return false;
  if (query.decidedAs === '대결' && !decided.some((step) => step.actingForId)) return false;
  return true;
}

/** What the auditor sees of a request in a search: its record, never its content; a health kind's requester is not named. */
function auditItem(request: ApprovalRequest) {
  const sensitive = findKind(request.kind)?.privacy.sensitive === true;
  return {
    requestId: request.id,
    registrationNumber: request.registration?.number ?? '',
    kind: request.kind,
    kindLabel: kindById(request.kind).label,
    departmentId: request.departmentId,
    requesterName: sensitive ? '(건강 정보: 비공개)' : request.requesterName,
    status: request.status,
    statusLabel: statusLabel(request.status),
    decidedAt: request.registration?.at ?? '',
    ...(request.decisionPolicyVersion ? { policyVersion: request.decisionPolicyVersion } : {}),
    decisions: decisionsOf(request),
  };
}
