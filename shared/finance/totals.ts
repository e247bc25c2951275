import { seoulDate } from '../kernel/seoul-time.js';
import { addFigures, FIGURES, type FinanceFigures, type FinanceKey, type MonthTotals } from './figures.js';

export { addFigures, FIGURES, type FinanceFigures, type FinanceKey, financeFiguresSchema, type MonthTotals } from './figures.js';

/**
 * A month's totals as finance reads them, and reconciliation: what the maintained aggregates must
 * equal when the month's events are summed again (see accounting.ts for what each event moves).
 * A month is the Asia/Seoul calendar month of the event.
 */
export const monthOf = (instant: string) => seoulDate(new Date(instant)).slice(0, 7);

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
