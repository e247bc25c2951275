/**
 * The files of a month's finance report, as stored and served at `/finance/reports/{month}/{file}`.
 * On their own so the API contract can name them without importing the report writer (and with
 * it the XLSX library every function's bundle would then carry).
 */
export const REPORT_FILES = { csv: 'monthly-totals.csv', xlsx: 'monthly-totals.xlsx' } as const;
