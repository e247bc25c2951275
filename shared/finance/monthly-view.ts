import type { Department } from '../directory/directory.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import { requestKinds } from '../requests/kinds/index.js';
import { buildingName } from '../requests/per-kind.js';
import type { FinanceView } from './exports.js';
import { addFigures, type FinanceFigures, type MonthTotals } from './figures.js';

const FIGURE_COLUMNS = [
  { key: 'submitted', header: '청구 건수', type: 'integer' },
  { key: 'requestedKrw', header: '청구 금액(원)', type: 'integer' },
  { key: 'approved', header: '승인 건수', type: 'integer' },
  { key: 'approvedKrw', header: '승인 금액(원)', type: 'integer' },
  { key: 'paid', header: '지급 건수', type: 'integer' },
  { key: 'paidKrw', header: '지급 금액(원)', type: 'integer' },
  { key: 'rejected', header: '반려 건수', type: 'integer' },
  { key: 'withdrawn', header: '철회 건수', type: 'integer' },
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

/**
 * The view of a month's maintained totals, kinds in the registry's order. For kinds whose policy
 * hides small groups (infertility: a claim alone says something about a person's health), a
 * department with fewer claims than the minimum group size is not named: its figures join one 기타 row.
 */
export function monthlyTotalsView(totals: MonthTotals, departments: Pick<Department, 'id' | 'name'>[], policy: OfficePolicy): MonthlyTotalsView {
  const departmentNames = new Map(departments.map((department) => [department.id, department.name]));
  const kinds = requestKinds.flatMap((definition) => {
    const rows = totals.byDepartment.filter((row) => row.kind === definition.id);
    if (rows.length === 0) return [];
    const hidesSmallGroups = kindPolicyFor(policy, definition.id).finance.hideSmallGroups === true;
    const named: MonthlyTotalsView['kinds'][number]['departments'] = [];
    let others: FinanceFigures | undefined;
    for (const row of rows.sort((a, b) => a.departmentId.localeCompare(b.departmentId))) {
      if (hidesSmallGroups && (row.figures.submitted ?? 0) < policy.finance.minimumGroupSize) others = addFigures(others ?? {}, row.figures);
      else
        named.push({
          departmentId: row.departmentId,
          departmentName: departmentNames.get(row.departmentId) ?? row.departmentId,
          figures: row.figures,
        });
    }
    if (others) named.push({ departmentId: null, departmentName: OTHERS, figures: others });
    const total = rows.reduce<FinanceFigures>((sum, row) => addFigures(sum, row.figures), {});
    return [{ kind: definition.id, kindLabel: definition.label, departments: named, total }];
  });
  const buildings = totals.byBuilding
    .map((row) => ({
      building: row.building,
      buildingName: buildingName(row.building, policy),
      committedKrw: row.figures.committedKrw ?? 0,
      actualKrw: row.figures.actualKrw ?? 0,
    }))
    .sort((a, b) => a.building.localeCompare(b.building));
  return { month: totals.month, kinds, buildings, total: kinds.reduce<FinanceFigures>((sum, kind) => addFigures(sum, kind.total), {}) };
}

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
