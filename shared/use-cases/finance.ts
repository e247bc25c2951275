import * as z from 'zod';
import type { Directory, Person } from '../directory/directory.js';
import type { FinanceView } from '../finance/exports.js';
import { addFigures, differences, type FinanceFigures, type MonthTotals, totalsOf } from '../finance/totals.js';
import { ForbiddenError } from '../kernel/errors.js';
import { formatKrw, seoulDate } from '../kernel/seoul-time.js';
import { parseOrThrow } from '../kernel/validation.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import { type Clock, ConcurrentChangeError, type FinanceStore, type RequestStore } from '../ports/ports.js';
import { kindOf, requestKinds } from '../requests/kinds/index.js';
import type { ApprovalRequest } from '../requests/request.js';

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
const totalsQuery = z.object({
  month: monthSchema,
  format: z.enum(['json', 'csv', 'xlsx'], { error: 'format은 json, csv, xlsx 중 하나여야 합니다' }).default('json'),
});
const budgetQuery = z.object({
  year: z.coerce
    .number({ error: '연도(year)를 YYYY로 입력하세요' })
    .int()
    .min(2000, { error: '연도(year)를 YYYY로 입력하세요' })
    .max(2100, { error: '연도(year)를 YYYY로 입력하세요' }),
});
const paymentsBody = z
  .object({
    requestIds: z
      .array(z.string().min(1), { error: '지급할 요청 번호 목록(requestIds)을 입력하세요' })
      .min(1, { error: '지급할 요청을 하나 이상 입력하세요' })
      .max(100, { error: '한 번에 100건까지 지급할 수 있습니다' })
      .refine((ids) => new Set(ids).size === ids.length, { error: '같은 요청 번호가 두 번 들어 있습니다' }),
  })
  .strict();

/** Kinds whose approval is money paid to the person (reimbursements): the ones finance pays. */
const payable = (kind: string) => ['health-checkup', 'infertility-treatment'].includes(kind);

const FIGURE_COLUMNS = [
  { key: 'submitted', header: '청구 건수', type: 'integer' },
  { key: 'requestedKrw', header: '청구 금액(원)', type: 'integer' },
  { key: 'approved', header: '승인 건수', type: 'integer' },
  { key: 'approvedKrw', header: '승인 금액(원)', type: 'integer' },
  { key: 'paid', header: '지급 건수', type: 'integer' },
  { key: 'paidKrw', header: '지급 금액(원)', type: 'integer' },
  { key: 'rejected', header: '반려 건수', type: 'integer' },
  { key: 'withdrawn', header: '회수 건수', type: 'integer' },
] as const;

const OTHERS = '기타 부서(소수 인원 보호)';

/** A month's totals for finance: per kind and department, per repaired building, and grand totals. No personal detail. */
export interface MonthlyTotalsView {
  month: string;
  kinds: {
    kind: string;
    kindLabel: string;
    departments: { departmentId: string | null; departmentName: string; figures: FinanceFigures }[];
    total: FinanceFigures;
  }[];
  buildings: { building: string; buildingName: string; committedKrw: number; actualKrw: number }[];
  total: FinanceFigures;
}

export function makeFinance({ requests, finance, directory, clock, policy, ids }: FinanceDeps) {
  async function financeStaff(callerId: string): Promise<Person> {
    const caller = await directory.person(callerId);
    if (!caller || !(caller.roles.includes('finance') || caller.roles.includes('admin'))) throw new ForbiddenError('재무 담당자만 볼 수 있습니다.');
    return caller;
  }

  /**
   * The view of a month's maintained totals. For the small-group kinds (infertility), a department
   * with fewer claims than the minimum group size is not named: its figures join one "기타" row.
   */
  async function viewOf(totals: MonthTotals): Promise<MonthlyTotalsView> {
    const departmentNames = new Map((await directory.departments()).map((department) => [department.id, department.name]));
    const kinds = Object.keys(requestKinds)
      .map((kind) => {
        const rows = totals.byDepartment.filter((row) => row.kind === kind);
        if (rows.length === 0) return undefined;
        const definition = kindOf(kind);
        const named: MonthlyTotalsView['kinds'][number]['departments'] = [];
        let others: FinanceFigures | undefined;
        for (const row of rows.sort((a, b) => a.departmentId.localeCompare(b.departmentId))) {
          const hidden = policy.finance.smallGroupKinds.includes(kind) && (row.figures.submitted ?? 0) < policy.finance.minimumGroupSize;
          if (hidden) others = addFigures(others ?? {}, row.figures);
          else
            named.push({
              departmentId: row.departmentId,
              departmentName: departmentNames.get(row.departmentId) ?? row.departmentId,
              figures: row.figures,
            });
        }
        if (others) named.push({ departmentId: null, departmentName: OTHERS, figures: others });
        return {
          kind,
          kindLabel: definition.label,
          departments: named,
          total: rows.reduce((sum, row) => addFigures(sum, row.figures), {} as FinanceFigures),
        };
      })
      .filter((kind) => kind !== undefined);
    const buildings = totals.byBuilding
      .map((row) => ({
        building: row.building,
        buildingName: Object.hasOwn(policy.facilityRepair.buildings, row.building)
          ? (policy.facilityRepair.buildings[row.building]?.name ?? row.building)
          : row.building,
        committedKrw: row.figures.committedKrw ?? 0,
        actualKrw: row.figures.actualKrw ?? 0,
      }))
      .sort((a, b) => a.building.localeCompare(b.building));
    return { month: totals.month, kinds, buildings, total: kinds.reduce((sum, kind) => addFigures(sum, kind.total), {} as FinanceFigures) };
  }

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
      const paid: { requestId: string; amountKrw: number }[] = [];
      const refused: { requestId: string; message: string }[] = [];
      for (const requestId of requestIds) {
        const request = await requests.get(requestId);
        const reason = refusalOf(request);
        if (reason || !request) {
          refused.push({ requestId, message: reason ?? '요청을 찾을 수 없습니다.' });
          continue;
        }
        const amountKrw = request.reimbursableAmount ?? 0;
        const next: ApprovalRequest = {
          ...request,
          status: 'paid',
          payment: { amountKrw, paidAt: at, paidBy: payer.id, batchId },
          updatedAt: at,
          version: request.version + 1,
        };
        try {
          await requests.save({
            request: next,
            expectedVersion: request.version,
            events: [
              {
                at,
                actorId: payer.id,
                actorName: payer.name,
                action: 'paid',
                round: request.round,
                channel: 'api',
                comment: `${formatKrw(amountKrw)} 지급 (일괄 ${batchId})`,
              },
            ],
          });
          paid.push({ requestId, amountKrw });
        } catch (error) {
          if (!(error instanceof ConcurrentChangeError)) throw error;
          const now = await requests.get(requestId);
          refused.push({ requestId, message: refusalOf(now) ?? '요청이 방금 바뀌었습니다. 다시 시도하세요.' });
        }
      }
      return { batchId, paid, refused, paidKrw: paid.reduce((sum, one) => sum + one.amountKrw, 0) };
    },

    /**
     * `GET /finance/budget?year=YYYY`: the welfare line (reimbursements approved and paid) and the
     * building-maintenance lines (estimates committed, actual costs), with 집행률 = paid ÷ budget.
     * Twelve month reads and one item per building line: bounded, whatever the history holds.
     */
    async budget(input: { callerId: string; query: Record<string, string | undefined> }) {
      await financeStaff(input.callerId);
      const { year } = parseOrThrow(budgetQuery, input.query);
      const months = await Promise.all(Array.from({ length: 12 }, (_, i) => finance.monthTotals(`${year}-${String(i + 1).padStart(2, '0')}`)));
      const rate = (paid: number, budget: number | null) => (budget ? Math.round((paid / budget) * 1000) / 10 : null);
      const welfare = Object.entries(policy.finance.budgetLines).map(([id, line]) => {
        const figures = months
          .flatMap((month) => month.byDepartment)
          .filter((row) => line.kinds.includes(row.kind))
          .reduce((sum, row) => addFigures(sum, row.figures), {} as FinanceFigures);
        const budgetKrw = line.budgetKrw[String(year)] ?? null;
        const paidKrw = figures.paidKrw ?? 0;
        return { id, name: line.name, budgetKrw, committedKrw: figures.approvedKrw ?? 0, paidKrw, executionRate: rate(paidKrw, budgetKrw) };
      });
      const buildings = await Promise.all(
        Object.entries(policy.facilityRepair.budgetLines).map(async ([id, line]) => {
          const figures = await requests.budget(id, year);
          const budgetKrw = line.budgetKrw[String(year)] ?? null;
          return {
            id,
            name: line.name,
            budgetKrw,
            committedKrw: figures.committedKrw,
            paidKrw: figures.spentKrw,
            executionRate: rate(figures.spentKrw, budgetKrw),
          };
        }),
      );
      return { year, lines: [...welfare, ...buildings] };
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
  if (!payable(request.kind)) return `${kindOf(request.kind).label}은(는) 지급 대상이 아닙니다.`;
  if (request.status === 'paid') return `이미 지급되었습니다 (${request.payment?.paidAt ?? ''}, 일괄 ${request.payment?.batchId ?? ''}).`;
  if (request.status !== 'approved') return `승인된 청구만 지급할 수 있습니다 (현재 상태: ${request.status}).`;
  return undefined;
}

export type Finance = ReturnType<typeof makeFinance>;

/** The month's totals as the sheets finance opens (CSV and XLSX): by kind and department, by kind, by building. */
export function financeViews(view: MonthlyTotalsView): FinanceView[] {
  const figureColumns = FIGURE_COLUMNS.map((column) => ({ ...column }));
  const figures = (values: FinanceFigures) => Object.fromEntries(FIGURE_COLUMNS.map(({ key }) => [key, values[key] ?? 0]));
  return [
    {
      name: `${view.month} 부서별`,
      columns: [{ key: 'kind', header: '종류', type: 'text' }, { key: 'department', header: '부서', type: 'text' }, ...figureColumns],
      rows: view.kinds.flatMap((kind) =>
        kind.departments.map((row) => ({ kind: kind.kindLabel, department: row.departmentName, ...figures(row.figures) })),
      ),
    },
    {
      name: `${view.month} 종류별`,
      columns: [{ key: 'kind', header: '종류', type: 'text' }, ...figureColumns],
      rows: [...view.kinds.map((kind) => ({ kind: kind.kindLabel, ...figures(kind.total) })), { kind: '합계', ...figures(view.total) }],
    },
    {
      name: `${view.month} 건물별 시설 보수`,
      columns: [
        { key: 'building', header: '건물', type: 'text' },
        { key: 'committedKrw', header: '승인 금액(원)', type: 'integer' },
        { key: 'actualKrw', header: '실제 비용(원)', type: 'integer' },
      ],
      rows: view.buildings.map((row) => ({ building: row.buildingName, committedKrw: row.committedKrw, actualKrw: row.actualKrw })),
    },
  ];
}
