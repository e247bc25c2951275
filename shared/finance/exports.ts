import { BOM, CRLF, csvText } from '../kernel/csv.js';

/**
 * Finance views as files finance opens in Excel: a CSV (UTF-8 with BOM, so Excel shows the Korean
 * instead of mojibake) and an XLSX (one sheet per view, numbers kept as numbers). Pure: the caller
 * fetches the figures and decides where the bytes go.
 */
export interface FinanceColumn {
  key: string;
  /** Korean column header, as finance reads it. */
  header: string;
  type: 'text' | 'integer' | 'percent';
}

export interface FinanceView {
  /** Korean sheet name: at most 31 characters, none of []:*?/\ (Excel's limits). */
  name: string;
  columns: FinanceColumn[];
  rows: Record<string, string | number | null>[];
}

/** A view that cannot be exported as given: a bug in the code that built it, not in the user's input. */
export class InvalidFinanceViewError extends Error {
  override name = 'InvalidFinanceViewError';
}

type Cell = string | number | null;

const SHEET_NAME_MAX = 31;
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/;
const INTEGER_FORMAT = '#,##0';
const PERCENT_FORMAT = '0.0';

function validate(views: FinanceView[]): void {
  const seen = new Set<string>();
  for (const view of views) {
    const { name } = view;
    if (name.length === 0 || name.length > SHEET_NAME_MAX) {
      throw new InvalidFinanceViewError(`sheet name "${name}" must have 1 to ${SHEET_NAME_MAX} characters`);
    }
    if (SHEET_NAME_FORBIDDEN.test(name) || name.startsWith("'") || name.endsWith("'")) {
      throw new InvalidFinanceViewError(`sheet name "${name}" contains a character Excel forbids`);
    }
    // Excel compares sheet names case-insensitively.
    const folded = name.toLocaleLowerCase('en-US');
    if (seen.has(folded)) throw new InvalidFinanceViewError(`sheet name "${name}" is used twice`);
    seen.add(folded);
  }
}

/** The row's value for a column, checked against the column's type; a missing key is an empty cell. */
function cellOf(view: FinanceView, column: FinanceColumn, row: FinanceView['rows'][number]): Cell {
  const value = row[column.key] ?? null;
  if (value === null) return null;
  if (column.type === 'text') return String(value);
  const wellFormed = typeof value === 'number' && (column.type === 'integer' ? Number.isSafeInteger(value) : Number.isFinite(value));
  if (!wellFormed) {
    throw new InvalidFinanceViewError(
      `${view.name} / ${column.header}: ${JSON.stringify(value)} is not ${column.type === 'integer' ? 'an integer' : 'a finite number'}`,
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// CSV

const csvCell = (cell: Cell): string => {
  if (cell === null) return '';
  // Plain digits (no grouping) so Excel reads a number; numbers are never guarded, so -5000 stays -5000.
  if (typeof cell === 'number') return String(cell);
  return csvText(cell);
};

/**
 * One CSV holding every view: the view's name on a line of its own, its header row, its rows,
 * and an empty line before the next view. UTF-8 with BOM and CRLF line endings (RFC 4180).
 */
export function toCsv(views: FinanceView[]): Buffer {
  validate(views);
  const blocks = views.map((view) => {
    const lines = [
      csvText(view.name),
      view.columns.map((column) => csvText(column.header)).join(','),
      ...view.rows.map((row) => view.columns.map((column) => csvCell(cellOf(view, column, row))).join(',')),
    ];
    return lines.map((line) => line + CRLF).join('');
  });
  return Buffer.concat([BOM, Buffer.from(blocks.join(CRLF), 'utf8')]);
}

// ---------------------------------------------------------------------------------------------
// XLSX

// Hangul, CJK and full-width forms take about two digit-widths in Excel's column-width unit.
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;
const PADDING = 3; // room for the bold header and the filter-less cell margin

const displayWidth = (text: string) => [...text].reduce((width, char) => width + (WIDE.test(char) ? 2 : 1), 0);

const grouped = (value: number) => value.toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const shown = (column: FinanceColumn, cell: Cell): string => {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell;
  return column.type === 'integer' ? grouped(cell) : cell.toFixed(1);
};

/** One worksheet per view: bold, frozen header row; integers as `#,##0`, percentages (81.5) as `0.0`. */
export async function toXlsx(views: FinanceView[]): Promise<Buffer> {
  validate(views);
  // Loaded on first use: 1 MB of code that a JSON or CSV request (and every cold start) need not parse.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();

  for (const view of views) {
    const cells = view.rows.map((row) => view.columns.map((column) => cellOf(view, column, row)));
    const sheet = workbook.addWorksheet(view.name, { views: [{ state: 'frozen', ySplit: 1 }] });

    const header = sheet.addRow(view.columns.map((column) => column.header));
    header.font = { bold: true };

    for (const rowCells of cells) {
      const row = sheet.addRow(rowCells);
      view.columns.forEach((column, index) => {
        if (column.type === 'text') return;
        row.getCell(index + 1).numFmt = column.type === 'integer' ? INTEGER_FORMAT : PERCENT_FORMAT;
      });
    }

    view.columns.forEach((column, index) => {
      const widest = cells.reduce(
        (width, rowCells) => Math.max(width, displayWidth(shown(column, rowCells[index] ?? null))),
        displayWidth(column.header),
      );
      sheet.getColumn(index + 1).width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widest + PADDING));
    });
  }

  const written = await workbook.xlsx.writeBuffer();
  return Buffer.isBuffer(written) ? written : Buffer.from(written);
}
