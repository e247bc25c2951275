import { seoulDate } from '../kernel/seoul-time.js';
import type { ApprovalRequest, HistoryEvent } from '../requests/request.js';
import { addFigures, FIGURES, type FinanceFigures } from './figures.js';

export { addFigures, FIGURES, type FinanceFigures, financeFiguresSchema } from './figures.js';

/**
 * Monthly totals are maintained, not recomputed: every history event that moves money carries
 * what it moved (`finance`), and the same transaction adds it to its month's aggregate items. A
 * month is the Asia/Seoul calendar month of the event. Reconciliation re-sums the events.
 *
 * What each event moves (flows, in the month they happen):
 * - submitted: one claim and its requested amount; revised (while returned): the change of that amount
 * - approved: one approval and the approved (reimbursable) amount; a repair's committed estimate
 * - rejected, withdrawn: one each (the requested amount stays in the month it was requested)
 * - paid: one payment and the amount paid
 * - work-reported: a repair's actual cost; reopened: that cost taken back
 */

/** Where an event's figures are totalled: its month, and the kind and department (and a repair's building). */
export interface FinanceKey {
  month: string;
  kind: string;
  departmentId: string;
  building?: string;
}

export const monthOf = (instant: string) => seoulDate(new Date(instant)).slice(0, 7);

const clean = (figures: FinanceFigures): FinanceFigures | undefined => {
  const kept = Object.fromEntries(Object.entries(figures).filter(([, value]) => value !== undefined && value !== 0));
  return Object.keys(kept).length > 0 ? kept : undefined;
};

/** What one event of `request` (the request as saved with it) moves; undefined when it moves nothing. */
export function financeOf(request: ApprovalRequest, event: HistoryEvent): FinanceFigures | undefined {
  const requested = request.amountRequested;
  switch (event.action) {
    case 'submitted':
      return clean({ submitted: 1, requestedKrw: requested });
    case 'revised':
      return clean({ requestedKrw: (requested ?? 0) - (event.snapshot?.amountRequested ?? 0) });
    case 'approved':
      return clean({ approved: 1, approvedKrw: request.reimbursableAmount, committedKrw: request.work?.committedKrw });
    case 'rejected':
      return { rejected: 1 };
    case 'withdrawn':
      return { withdrawn: 1 };
    case 'paid':
      return clean({ paid: 1, paidKrw: request.payment?.amountKrw });
    case 'work-reported':
      return clean({ actualKrw: numberIn(event.input, 'actualCostKrw') });
    case 'reopened':
      return clean({ actualKrw: -(numberIn(event.input, 'actualCostKrw') ?? 0) });
    default:
      return undefined;
  }
}

const numberIn = (record: Record<string, unknown> | undefined, key: string) =>
  typeof record?.[key] === 'number' ? (record[key] as number) : undefined;

export function financeKeyOf(request: Pick<ApprovalRequest, 'kind' | 'departmentId' | 'details'>, at: string): FinanceKey {
  const building = request.kind === 'facility-repair' && typeof request.details['building'] === 'string' ? request.details['building'] : undefined;
  return { month: monthOf(at), kind: request.kind, departmentId: request.departmentId, ...(building ? { building } : {}) };
}

/** One month's aggregate rows: per kind and department, and per repaired building. */
export interface MonthTotals {
  month: string;
  byDepartment: { kind: string; departmentId: string; figures: FinanceFigures }[];
  byBuilding: { building: string; figures: FinanceFigures }[];
}

/** Totals from a list of (key, figures): what the aggregates must equal. */
export function totalsOf(month: string, entries: { key: FinanceKey; figures: FinanceFigures }[]): MonthTotals {
  const departments = new Map<string, { kind: string; departmentId: string; figures: FinanceFigures }>();
  const buildings = new Map<string, { building: string; figures: FinanceFigures }>();
  for (const { key, figures } of entries.filter((entry) => entry.key.month === month)) {
    const id = `${key.kind}#${key.departmentId}`;
    const row = departments.get(id) ?? { kind: key.kind, departmentId: key.departmentId, figures: {} };
    departments.set(id, { ...row, figures: addFigures(row.figures, figures) });
    if (key.building) {
      const building = buildings.get(key.building) ?? { building: key.building, figures: {} };
      buildings.set(key.building, {
        ...building,
        figures: addFigures(building.figures, { committedKrw: figures.committedKrw, actualKrw: figures.actualKrw }),
      });
    }
  }
  return { month, byDepartment: [...departments.values()], byBuilding: [...buildings.values()] };
}

/** The differences between two months' totals (reconciliation), as readable lines; empty when they agree. */
export function differences(expected: MonthTotals, actual: MonthTotals): string[] {
  const lines: string[] = [];
  const compare = (label: string, a: FinanceFigures | undefined, b: FinanceFigures | undefined) => {
    for (const name of FIGURES) {
      const want = a?.[name] ?? 0;
      const have = b?.[name] ?? 0;
      if (want !== have) lines.push(`${label} ${name}: recomputed ${want}, aggregate ${have}`);
    }
  };
  const departmentIds = new Set([...expected.byDepartment, ...actual.byDepartment].map((row) => `${row.kind}#${row.departmentId}`));
  for (const id of [...departmentIds].sort()) {
    compare(
      id,
      expected.byDepartment.find((row) => `${row.kind}#${row.departmentId}` === id)?.figures,
      actual.byDepartment.find((row) => `${row.kind}#${row.departmentId}` === id)?.figures,
    );
  }
  const buildingIds = new Set([...expected.byBuilding, ...actual.byBuilding].map((row) => row.building));
  for (const id of [...buildingIds].sort()) {
    compare(
      `building ${id}`,
      expected.byBuilding.find((row) => row.building === id)?.figures,
      actual.byBuilding.find((row) => row.building === id)?.figures,
    );
  }
  return lines;
}
