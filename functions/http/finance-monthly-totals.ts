import { toCsv, toXlsx } from '../../shared/finance/exports.js';
import { financeViews } from '../../shared/use-cases/finance.js';
import { financeFromEnv } from '../finance-wiring.js';
import { financeMonthlyTotals as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const finance = financeFromEnv();

/** GET /finance/monthly-totals?month=YYYY-MM[&format=csv|xlsx] — finance only; no personal detail. */
export const handler = jsonApi(operation, async (event) => {
  const { view, format } = await finance.monthlyTotals({ callerId: callerId(event), query: event.queryStringParameters ?? {} });
  if (format === 'json') return reply(operation, 200, view);
  const file = `monthly-totals-${view.month}.${format}`;
  const body = format === 'csv' ? toCsv(financeViews(view)) : await toXlsx(financeViews(view));
  return {
    statusCode: 200,
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="${file}"`,
      'cache-control': 'no-store',
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
});
