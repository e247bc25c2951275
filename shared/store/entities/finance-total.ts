import type { RecordedEvent } from '../../finance/accounting.js';
import { addFigures, FIGURES, type FinanceFigures, financeFiguresSchema, type MonthTotals } from '../../finance/figures.js';
import type { GuardedItem } from './transact.js';

/**
 * A month's totals: one partition, `FINANCE#<YYYY-MM>`, a few dozen items — one per kind and
 * department (`TOTAL#<kind>#<dept>`) and one per repaired building (`BUILDING#<b>`) — read with one
 * Query whatever the month holds, and moved by ADD in the transaction of each event that moves money.
 */
export const financeMonthPartition = (month: string) => `FINANCE#${month}`;
export const financeTotalKey = (month: string, kind: string, departmentId: string) => ({
  pk: financeMonthPartition(month),
  sk: `TOTAL#${kind}#${departmentId}`,
});
const buildingKey = (month: string, building: string) => ({ pk: financeMonthPartition(month), sk: `BUILDING#${building}` });

const figuresOfItem = (item: Record<string, unknown>): FinanceFigures =>
  financeFiguresSchema.parse(Object.fromEntries(FIGURES.filter((name) => typeof item[name] === 'number').map((name) => [name, item[name]])));

/** A month's totals from its partition's items. */
export function readMonthTotals(month: string, items: Record<string, unknown>[]): MonthTotals {
  const totals: MonthTotals = { month, byDepartment: [], byBuilding: [] };
  for (const item of items) {
    const sk = String(item['sk']);
    if (sk.startsWith('TOTAL#')) {
      const [, kind = '', departmentId = ''] = sk.split('#');
      totals.byDepartment.push({ kind, departmentId, figures: figuresOfItem(item) });
    } else if (sk.startsWith('BUILDING#')) {
      totals.byBuilding.push({ building: sk.slice('BUILDING#'.length), figures: figuresOfItem(item) });
    }
  }
  return totals;
}

/**
 * The ADDs that put a change's accounted events into their months' totals, one item per total (a
 * transaction may touch an item once, so events of the same total are summed first).
 */
export function addToTotals(tableName: string, recorded: readonly RecordedEvent[]): GuardedItem[] {
  const totals = new Map<string, { Key: { pk: string; sk: string }; figures: FinanceFigures }>();
  const add = (Key: { pk: string; sk: string }, figures: FinanceFigures) => {
    const id = `${Key.pk}|${Key.sk}`;
    totals.set(id, { Key, figures: addFigures(totals.get(id)?.figures ?? {}, figures) });
  };
  for (const { event, financeKey: key } of recorded) {
    const figures = event.finance;
    if (!figures || !key) continue;
    add(financeTotalKey(key.month, key.kind, key.departmentId), figures);
    if (key.building && (figures.committedKrw || figures.actualKrw)) {
      add(buildingKey(key.month, key.building), { committedKrw: figures.committedKrw, actualKrw: figures.actualKrw });
    }
  }
  return [...totals.values()].flatMap(({ Key, figures }) => {
    const names = FIGURES.filter((name) => figures[name] !== undefined && figures[name] !== 0);
    if (names.length === 0) return [];
    return [
      {
        guard: { entity: 'finance' as const },
        item: {
          Update: {
            TableName: tableName,
            Key,
            UpdateExpression: `ADD ${names.map((name) => `${name} :${name}`).join(', ')}`,
            ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, figures[name]])),
          },
        },
      },
    ];
  });
}
