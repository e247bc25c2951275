import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type FinanceFigures, type FinanceKey, financeFiguresSchema } from '../finance/figures.js';
import type { FinanceStore } from '../ports/finance-store.js';
import { financeMonthPartition, readMonthTotals } from './entities/finance-total.js';
import { financeKeyOfItem } from './entities/history-event.js';
import { queryAll } from './query-all.js';

export function makeDynamoDbFinanceStore(db: DynamoDBDocumentClient, tableName: string): FinanceStore {
  return {
    async monthTotals(month) {
      const items = await queryAll(db, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :month',
        ExpressionAttributeValues: { ':month': financeMonthPartition(month) },
      });
      return readMonthTotals(month, items);
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
          const key = financeKeyOfItem(item);
          if (key) entries.push({ key, figures: financeFiguresSchema.parse(item['finance']) });
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return entries;
    },
  };
}
