import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { FIGURES, type FinanceFigures, type FinanceKey, financeFiguresSchema, type MonthTotals } from '../finance/totals.js';
import type { FinanceStore } from '../ports/ports.js';
import { keys } from './table-layout.js';

const figuresOf = (item: Record<string, unknown>): FinanceFigures =>
  financeFiguresSchema.parse(Object.fromEntries(FIGURES.filter((name) => typeof item[name] === 'number').map((name) => [name, item[name]])));

export function makeDynamoDbFinanceStore(db: DynamoDBDocumentClient, tableName: string): FinanceStore {
  return {
    async monthTotals(month) {
      const items: Record<string, unknown>[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :month',
            ExpressionAttributeValues: { ':month': keys.financeMonth(month) },
            ExclusiveStartKey,
          }),
        );
        items.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      const totals: MonthTotals = { month, byDepartment: [], byBuilding: [] };
      for (const item of items) {
        const sk = String(item['sk']);
        if (sk.startsWith('TOTAL#')) {
          const [, kind = '', departmentId = ''] = sk.split('#');
          totals.byDepartment.push({ kind, departmentId, figures: figuresOf(item) });
        } else if (sk.startsWith('BUILDING#')) {
          totals.byBuilding.push({ building: sk.slice('BUILDING#'.length), figures: figuresOf(item) });
        }
      }
      return totals;
    },

    async eventsOfMonth(month) {
      // Reconciliation only: a full scan, as an auditor would recompute, never on the read path.
      const entries: { key: FinanceKey; figures: FinanceFigures }[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'financeMonth = :month AND attribute_exists(finance)',
            ExpressionAttributeValues: { ':month': month },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          entries.push({
            key: {
              month,
              kind: String(item['financeKind']),
              departmentId: String(item['financeDepartmentId']),
              ...(typeof item['financeBuilding'] === 'string' ? { building: item['financeBuilding'] } : {}),
            },
            figures: financeFiguresSchema.parse(item['finance']),
          });
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return entries;
    },
  };
}
