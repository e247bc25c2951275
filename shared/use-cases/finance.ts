import * as z from 'zod';
import type { Directory, Person } from '../directory/directory.js';
import { addFigures, type FinanceFigures } from '../finance/figures.js';
import { financeViews, type MonthlyTotalsView, monthlyTotalsView } from '../finance/monthly-view.js';
import { differences, totalsOf } from '../finance/totals.js';
import { ForbiddenError } from '../kernel/errors.js';
import { formatKrw, seoulDate } from '../kernel/seoul-time.js';
import { parseOrThrow } from '../kernel/validation.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { FinanceStore } from '../ports/finance-store.js';
import { ConcurrentChangeError, type RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { changeOf } from '../requests/change.js';
import { type ApprovalRequest, kindById } from '../requests/kinds/index.js';
import { pay } from '../requests/lifecycle-transitions.js';
import { financeTraitsOf, ownBudgetLines } from '../requests/per-kind.js';

export { financeViews, type MonthlyTotalsView };

export interface FinanceDeps {
  requests: RequestStore;
  finance: FinanceStore;
  directory: Directory;
  clock: Clock;
  policy: OfficePolicy;
  ids: { batchId(now: Date): string };
}

const monthSchema = z
  .string({ error: '월(month)을 YYYY-MM으로 입력하세요' })
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: '월(month)은 2026-11처럼 YYYY-MM이어야 합니다' });
export const totalsQuery = z.object({
  month: monthSchema,
  format: z.enum(['json', 'csv', 'xlsx'], { error: 'format은 json, csv, xlsx 중 하나여야 합니다' }).default('json'),
});
export const budgetQuery = z.object({
  year: z.coerce
    .number({ error: '연도(year)를 YYYY로 입력하세요' })
    .int()
    .min(2000, { error: '연도(year)를 YYYY로 입력하세요' })
    .max(2100, { error: '연도(year)를 YYYY로 입력하세요' }),
});
export const paymentsBody = z
  .object({
    requestIds: z
      .array(z.string().min(1), { error: '지급할 요청 번호 목록(requestIds)을 입력하세요' })
      .min(1, { error: '지급할 요청을 하나 이상 입력하세요' })
      .max(100, { error: '한 번에 100건까지 지급할 수 있습니다' })
      .refine((ids) => new Set(ids).size === ids.length, { error: '같은 요청 번호가 두 번 들어 있습니다' }),
  })
  .strict();

export function makeFinance({ requests, finance, directory, clock, policy, ids }: FinanceDeps) {
  async function financeStaff(callerId: string): Promise<Person> {
    const caller = await directory.person(callerId);
    if (!caller || !(caller.roles.includes('finance') || caller.roles.includes('admin'))) throw new ForbiddenError('재무 담당자만 볼 수 있습니다.');
    return caller;
  }

  const viewOf = async (totals: Parameters<typeof monthlyTotalsView>[0]) => monthlyTotalsView(totals, await directory.departments(), policy);

  return {
    /** `GET /finance/monthly-totals?month=YYYY-MM[&format=csv|xlsx]`: one Query, however many requests exist. */
    async monthlyTotals(input: {
      callerId: string;
      query: Record<string, string | undefined>;
    }): Promise<{ view: MonthlyTotalsView; format: 'json' | 'csv' | 'xlsx' }> {
      await financeStaff(input.callerId);
      const { month, format } = parseOrThrow(totalsQuery, input.query);
      return { view: await viewOf(await finance.monthTotals(month)), format };
    },

    /**
     * `POST /finance/payments` `{requestIds}`: marks approved reimbursements paid — each in its own
     * transaction guarded by the request's version and status, so a claim is never paid twice, even
     * by two batches at once. Answers what was paid and, for each refused id, why.
     */
    async pay(input: { callerId: string; body: unknown }) {
      const payer = await financeStaff(input.callerId);
      const { requestIds } = parseOrThrow(paymentsBody, input.body ?? {});
      const now = clock.now();
      const at = now.toISOString();
      const batchId = ids.batchId(now);
      // 문서번호 beside each: what finance keys the 지출결의 on.
      const paid: { requestId: string; registrationNumber?: string; amountKrw: number }[] = [];
      const refused: { requestId: string; message: string }[] = [];
      for (const requestId of requestIds) {
        const request = await requests.get(requestId);
        const reason = refusalOf(request);
        if (reason || !request) {
          refused.push({ requestId, message: reason ?? '요청을 찾을 수 없습니다.' });
          continue;
        }
        const amountKrw = request.reimbursableAmount ?? 0;
        const payment = pay(request, { payer, amountKrw, at, batchId, comment: `${formatKrw(amountKrw)} 지급 (일괄 ${batchId})` });
        try {
          await requests.save(changeOf(request, payment));
          paid.push({ requestId, ...(request.registration ? { registrationNumber: request.registration.number } : {}), amountKrw });
        } catch (error) {
          if (!(error instanceof ConcurrentChangeError)) throw error;
          const now = await requests.get(requestId);
          refused.push({ requestId, message: refusalOf(now) ?? '요청이 방금 바뀌었습니다. 다시 시도하세요.' });
        }
      }
      return { batchId, paid, refused, paidKrw: paid.reduce((sum, one) => sum + one.amountKrw, 0) };
    },

    /**
     * `GET /finance/budget?year=YYYY`: every budget line — the welfare line (reimbursements approved
     * and paid), the building lines (estimates committed, actual costs) — with 집행률 = paid ÷ budget.
     * Twelve month reads and one item per line a kind keeps itself: bounded, whatever the history holds.
     */
    async budget(input: { callerId: string; query: Record<string, string | undefined> }) {
      await financeStaff(input.callerId);
      const { year } = parseOrThrow(budgetQuery, input.query);
      const months = await Promise.all(Array.from({ length: 12 }, (_, i) => finance.monthTotals(`${year}-${String(i + 1).padStart(2, '0')}`)));
      const rate = (paid: number, budget: number | null) => (budget ? Math.round((paid / budget) * 1000) / 10 : null);
      const kept = ownBudgetLines(policy);
      const lines = await Promise.all(
        Object.entries(policy.finance.budgetLines).map(async ([id, line]) => {
          // Paid from claims: the approved and paid amounts of the kinds charged to the line.
          const charged = new Set(Object.entries(policy.kinds).flatMap(([kind, block]) => (block.finance.budgetLine === id ? [kind] : [])));
          const claims = months
            .flatMap((month) => month.byDepartment)
            .filter((row) => charged.has(row.kind))
            .reduce<FinanceFigures>((sum, row) => addFigures(sum, row.figures), {});
          // Kept by the kinds themselves (a repair's committed estimate and actual cost).
          const own = kept.has(id) ? await requests.budget(id, year) : { committedKrw: 0, spentKrw: 0 };
          const budgetKrw = line.budgetKrw[String(year)] ?? null;
          const paidKrw = (claims.paidKrw ?? 0) + own.spentKrw;
          return {
            id,
            name: line.name,
            budgetKrw,
            committedKrw: (claims.approvedKrw ?? 0) + own.committedKrw,
            paidKrw,
            executionRate: rate(paidKrw, budgetKrw),
          };
        }),
      );
      return { year, lines };
    },

    /** Recomputes a month from the events behind it and reports any difference from the maintained totals. */
    async reconcile(month: string) {
      parseOrThrow(z.object({ month: monthSchema }), { month });
      const events = await finance.eventsOfMonth(month);
      const found = differences(totalsOf(month, events), await finance.monthTotals(month));
      return { month, events: events.length, differences: found };
    },

    /** The previous month (Asia/Seoul) of `now`: what the report on the 1st covers. */
    previousMonth(now = clock.now()): string {
      const [year = 0, month = 1] = seoulDate(now).split('-').map(Number);
      return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
    },

    viewOf: async (month: string) => viewOf(await finance.monthTotals(month)),
  };
}

function refusalOf(request: ApprovalRequest | undefined): string | undefined {
  if (!request) return '요청을 찾을 수 없습니다.';
  if (!financeTraitsOf(request).payable) return `${kindById(request.kind).label}은(는) 지급 대상이 아닙니다.`;
  if (request.status === 'paid') return `이미 지급되었습니다 (${request.payment?.paidAt ?? ''}, 일괄 ${request.payment?.batchId ?? ''}).`;
  if (request.status !== 'approved') return `승인된 청구만 지급할 수 있습니다 (현재 상태: ${request.status}).`;
  return undefined;
}

export type Finance = ReturnType<typeof makeFinance>;
