/**
 * CSV as the office opens it in Excel: UTF-8 with a BOM (so Korean is not mojibake), CRLF line
 * endings (RFC 4180, line breaks inside a field too), and no cell ever read as a formula.
 */
export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
export const CRLF = '\r\n';
// =, +, - and @ start a formula in Excel; a leading tab or CR can smuggle one past a naive check (OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

const csvField = (text: string) => (NEEDS_QUOTES.test(text) ? `"${text.replace(/\r\n|\r|\n/g, CRLF).replaceAll('"', '""')}"` : text);

/** Text as Excel should show it: quoted where needed, never evaluated as a formula. */
export const csvText = (text: string) => csvField(FORMULA_START.test(text) ? `'${text}` : text);

/** One table as CSV: a header row and its rows of text. */
export function tableCsv(headers: string[], rows: string[][]): Buffer {
  const lines = [headers, ...rows].map((cells) => cells.map((cell) => csvText(cell)).join(',') + CRLF);
  return Buffer.concat([BOM, Buffer.from(lines.join(''), 'utf8')]);
}
