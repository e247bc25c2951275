import type { FinanceFigures, FinanceKey, MonthTotals } from '../finance/figures.js';

/** Finance's reads and the monthly reports' storage. */

/** Finance's reads: a month's maintained totals (one Query), and — for reconciliation — the events behind them. */
export interface FinanceStore {
  monthTotals(month: string): Promise<MonthTotals>;
  /** Every event of the month that moved money, with its key (a full scan: reconciliation only). */
  eventsOfMonth(month: string): Promise<{ key: FinanceKey; figures: FinanceFigures }[]>;
}

/** Where monthly reports are kept: S3 in AWS (a lifecycle rule expires them), files under `$DATA_DIR/reports/` locally. */
export interface ReportStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<{ body: Buffer; contentType: string } | undefined>;
}
