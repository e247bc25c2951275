import * as z from 'zod';
import type { Directory } from '../directory/directory.js';
import { tableCsv } from '../kernel/csv.js';
import { ForbiddenError } from '../kernel/errors.js';
import { formatSeoulDateTime, seoulDate } from '../kernel/seoul-time.js';
import { invalidInput, parseOrThrow } from '../kernel/validation.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Mailer } from '../ports/messaging.js';
import type { AccessEntry, AccessTarget, RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { kindById } from '../requests/kinds/index.js';
import { auditDecisionsQuery, monthsBetween, seoulEnd, seoulStart } from './audit.js';

/**
 * 개인정보 접속기록 (안전성 확보조치 기준 §8): every recorded read of a request by someone other than
 * its requester, across requests, for the auditors and the privacy officer; and the monthly check
 * that sends the privacy officer who read how much, with the reads outside a reader's usual scope
 * flagged. Entries are written with the reads themselves (`recordAccess`) and kept three years.
 */

export const ACCESS_LOG_ROLES = ['auditor', 'privacy-officer'];

export const accessLogQuery = z
  .object({
    from: z.string(),
    to: z.string(),
    format: z.enum(['json', 'csv'], { error: '형식(format)은 json 또는 csv입니다' }).default('json'),
    limit: z.coerce
      .number({ error: 'limit은 숫자여야 합니다' })
      .int({ error: 'limit은 정수여야 합니다' })
      .min(1, { error: 'limit은 1 이상이어야 합니다' })
      .max(500, { error: 'limit은 500 이하여야 합니다' })
      .default(100),
    nextToken: z.string().max(2000).optional(),
  })
  .superRefine((query, ctx) => {
    for (const issue of auditDecisionsQuery.safeParse(query).error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });

const scopeLabel: Record<AccessEntry['scope'], string> = {
  line: '결재선',
  role: '담당 역할',
  unit: '관리 부서',
  circulation: '공람·참조',
  audit: '감사',
};
const channelLabel: Record<string, string> = { api: 'API', 'email-link': '메일 링크', slack: 'Slack' };
const targetLabel: Record<AccessTarget, string> = { request: '요청', document: '결재문서', attachment: '서류' };

/** What an entry read; entries written before that was recorded were a request or, naming one, a document. */
const withTarget = (entry: AccessEntry): AccessEntry & { target: AccessTarget } => ({
  ...entry,
  target: entry.target ?? (entry.documentType ? 'attachment' : 'request'),
});

/**
 * A read outside its reader's usual scope: not as one on the request's line (or its managing unit,
 * or on circulation) but by the role alone (a welfare officer reading a claim they do not handle),
 * or an auditor reading health content for a stated purpose.
 */
export function outsideUsualScope(entry: AccessEntry): string | undefined {
  if (entry.scope === 'role') return '결재선에 없는 담당 역할의 열람';
  if (entry.scope === 'audit' && entry.purpose) return `감사 목적 열람: ${entry.purpose}`;
  return undefined;
}

export interface AccessLogPage {
  items: (Omit<AccessEntry, 'accessId' | 'target'> & { target: AccessTarget; flagged?: string })[];
  nextToken: string | null;
}

const tokenSchema = z.strictObject({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  at: z.string().max(40),
  requestId: z.string().max(40),
  readerId: z.string().max(20),
  accessId: z.string().max(20),
});

export function makeAccessLog(deps: { requests: RequestStore; directory: Directory; mailer: Mailer; clock: Clock; policy: OfficePolicy }) {
  const { requests, directory, mailer, clock, policy } = deps;

  async function* entries(from: string, to: string, start?: z.infer<typeof tokenSchema>) {
    const bounds = { from: seoulStart(from), to: seoulEnd(to) };
    for (const month of monthsBetween(from, to)) {
      if (start && month < start.month) continue;
      let after: AccessEntry | undefined =
        start?.month === month
          ? { at: start.at, requestId: start.requestId, readerId: start.readerId, accessId: start.accessId, kind: '', channel: '', scope: 'line' }
          : undefined;
      for (let more = true; more; ) {
        const page = await requests.accessLog(month, bounds, { limit: 200, after });
        for (const entry of page.items) yield { entry: withTarget(entry), month };
        after = page.items.at(-1) ?? after;
        more = page.more && page.items.length > 0;
      }
    }
  }

  const row = (entry: AccessEntry & { target: AccessTarget }) => [
    formatSeoulDateTime(entry.at),
    entry.readerName ? `${entry.readerName} (${entry.readerId})` : entry.readerId,
    entry.requestId,
    kindById(entry.kind).label,
    channelLabel[entry.channel] ?? entry.channel,
    scopeLabel[entry.scope],
    entry.target === 'attachment' ? `서류(${entry.documentType ?? ''})` : targetLabel[entry.target],
    entry.purpose ?? '',
    outsideUsualScope(entry) ? '예' : '',
  ];
  const headers = ['일시', '열람자', '요청 번호', '종류', '경로', '열람 근거', '대상', '목적', '점검 대상'];

  return {
    /** `GET /audit/access-log?from=&to=[&format=csv]`: auditors and the privacy officer. */
    async read(input: { callerId: string; query: unknown }): Promise<{ format: 'csv'; body: Buffer } | { format: 'json'; page: AccessLogPage }> {
      const caller = await directory.person(input.callerId);
      if (!caller?.roles.some((role) => ACCESS_LOG_ROLES.includes(role))) {
        throw new ForbiddenError('접속기록은 감사 담당자와 개인정보 보호 담당자만 볼 수 있습니다.');
      }
      const query = parseOrThrow(accessLogQuery, input.query ?? {});
      if (query.format === 'csv') {
        const rows: string[][] = [];
        for await (const { entry } of entries(query.from, query.to)) rows.push(row(entry));
        return { format: 'csv', body: tableCsv(headers, rows) };
      }
      const start = query.nextToken ? decodeToken(query.nextToken) : undefined;
      const items: AccessLogPage['items'] = [];
      let nextToken: string | null = null;
      let last: z.infer<typeof tokenSchema> | undefined;
      for await (const { entry, month } of entries(query.from, query.to, start)) {
        if (items.length === query.limit) {
          nextToken = last ? Buffer.from(JSON.stringify(last)).toString('base64url') : null;
          break;
        }
        const flagged = outsideUsualScope(entry);
        const { accessId, ...shown } = entry;
        items.push({ ...shown, ...(flagged ? { flagged } : {}) });
        last = { month, at: entry.at, requestId: entry.requestId, readerId: entry.readerId, accessId: accessId ?? '' };
      }
      return { format: 'json', page: { items, nextToken } };
    },

    /**
     * The monthly check (scheduled, the 1st): last Seoul month's reads, per reader, with those
     * outside their usual scope listed, emailed to every privacy officer.
     */
    async monthlyCheck(): Promise<{ month: string; reads: number; flagged: number; sentTo: number }> {
      const today = seoulDate(clock.now());
      const [year, month] = today.split('-').map(Number) as [number, number];
      const previous = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
      const lastDay = new Date(Date.parse(`${today.slice(0, 7)}-01T00:00:00+09:00`) - 1);
      const perReader = new Map<string, { name: string; reads: number; flagged: number }>();
      const flagged: AccessEntry[] = [];
      for await (const { entry } of entries(`${previous}-01`, seoulDate(lastDay))) {
        const reader = perReader.get(entry.readerId) ?? { name: entry.readerName ?? entry.readerId, reads: 0, flagged: 0 };
        reader.reads += 1;
        if (outsideUsualScope(entry)) {
          reader.flagged += 1;
          flagged.push(entry);
        }
        perReader.set(entry.readerId, reader);
      }
      const reads = [...perReader.values()].reduce((sum, reader) => sum + reader.reads, 0);
      const { team, role } = policy.privacy.officers;
      const officers = (await directory.teamMembers(team)).filter((person) => person.roles.includes(role));
      const lines = [
        `${previous} 개인정보 접속기록 점검`,
        '',
        `열람 ${reads}건, 열람자 ${perReader.size}명, 점검 대상 ${flagged.length}건.`,
        '',
        '열람자별:',
        ...[...perReader.entries()]
          .sort(([, a], [, b]) => b.reads - a.reads)
          .map(([id, reader]) => `- ${reader.name} (${id}): ${reader.reads}건${reader.flagged ? `, 점검 대상 ${reader.flagged}건` : ''}`),
        ...(flagged.length
          ? [
              '',
              '점검 대상 열람:',
              ...flagged.map(
                (entry) =>
                  `- ${formatSeoulDateTime(entry.at)} ${entry.readerName ?? entry.readerId} → ${entry.requestId}: ${outsideUsualScope(entry)}`,
              ),
            ]
          : []),
        '',
        `전체 기록: GET /audit/access-log?from=${previous}-01&to=${seoulDate(lastDay)}&format=csv`,
      ];
      for (const officer of officers) {
        await mailer.send({
          to: { name: officer.name, email: officer.email },
          subject: `[접속기록 점검] ${previous} 열람 ${reads}건, 점검 대상 ${flagged.length}건`,
          text: lines.join('\n'),
          html: `<pre>${lines.map((line) => line.replace(/[&<>]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[char] ?? char)).join('\n')}</pre>`,
        });
      }
      return { month: previous, reads, flagged: flagged.length, sentTo: officers.length };
    },
  };
}

/**
 * `GET /audit/destructions?year=`: the 파기 대장 of a Seoul year — what was destroyed of which
 * request (by 문서번호), when, under which rule. For auditors and the privacy officer.
 */
export function makeDestructionRegister(deps: { requests: RequestStore; directory: Directory }) {
  return async function destructions(input: { callerId: string; query: unknown }) {
    const caller = await deps.directory.person(input.callerId);
    if (!caller?.roles.some((role) => ACCESS_LOG_ROLES.includes(role))) {
      throw new ForbiddenError('파기 대장은 감사 담당자와 개인정보 보호 담당자만 볼 수 있습니다.');
    }
    const { year } = parseOrThrow(destructionQuery, input.query ?? {});
    const items = await deps.requests.destructionsIn(year);
    return { year, items: items.map((entry) => ({ ...entry, kindLabel: kindById(entry.kind).label })) };
  };
}

export const destructionQuery = z.object({ year: z.string().regex(/^\d{4}$/, { error: '연도(year)는 YYYY 형식이어야 합니다' }) });

function decodeToken(token: string): z.infer<typeof tokenSchema> {
  try {
    return tokenSchema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw invalidInput([{ path: 'nextToken', message: '이전 응답의 nextToken 값을 그대로 보내세요' }]);
  }
}
