import type { BudgetChange, BudgetFigures } from '../../ports/budget.js';
import type { GuardedItem } from './transact.js';

/**
 * A budget line's running figures for a year: `BUDGET#<line>` / `YEAR#<year>` (committed, spent,
 * outstanding KRW), moved by ADD in the same transaction as the request that moves them.
 */
export const budgetKey = (line: string, year: number) => ({ pk: `BUDGET#${line}`, sk: `YEAR#${year}` });

const FIGURES = ['committedKrw', 'spentKrw', 'outstandingKrw'] as const;

export function readBudget(item: Record<string, unknown> | undefined): BudgetFigures {
  const figure = (name: (typeof FIGURES)[number]) => {
    const value = item?.[name];
    return typeof value === 'number' ? value : 0;
  };
  return { committedKrw: figure('committedKrw'), spentKrw: figure('spentKrw'), outstandingKrw: figure('outstandingKrw') };
}

/** The change as an ADD, or nothing when it moves no figure. */
export function addToBudget(tableName: string, budget: BudgetChange): GuardedItem | undefined {
  const deltas = FIGURES.filter((name) => budget[name] !== undefined && budget[name] !== 0);
  if (deltas.length === 0) return undefined;
  return {
    guard: { entity: 'budget' },
    item: {
      Update: {
        TableName: tableName,
        Key: budgetKey(budget.line, budget.year),
        UpdateExpression: `ADD ${deltas.map((name) => `${name} :${name}`).join(', ')}`,
        ExpressionAttributeValues: Object.fromEntries(deltas.map((name) => [`:${name}`, budget[name]])),
      },
    },
  };
}
