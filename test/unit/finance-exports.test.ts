import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type FinanceView, InvalidFinanceViewError, toCsv, toXlsx } from '../../shared/finance/exports.js';

const byDepartment: FinanceView = {
  name: '부서별 청구 현황',
  columns: [
    { key: 'department', header: '부서', type: 'text' },
    { key: 'claims', header: '건수', type: 'integer' },
    { key: 'requestedKrw', header: '청구 금액(원)', type: 'integer' },
    { key: 'approvalRate', header: '승인율(%)', type: 'percent' },
    { key: 'note', header: '비고', type: 'text' },
  ],
  rows: [
    { department: '총무과', claims: 3, requestedKrw: 1_200_000, approvalRate: 81.5, note: null },
    { department: '일자리경제과, 청년정책팀', claims: 2, requestedKrw: 450_000, approvalRate: 100, note: '견적서 "최종"본 첨부' },
    { department: '기획예산과', claims: 1, requestedKrw: -50_000, approvalRate: 0, note: '-출장비 환수' },
    { department: '민원여권과', claims: 4, requestedKrw: 980_000, approvalRate: 75, note: '1차 반려\n재청구' },
    { department: '재무과', claims: 1, requestedKrw: 30_000, approvalRate: 100, note: '=HYPERLINK("http://evil.example","보기")' },
  ],
};

const byMonth: FinanceView = {
  name: '월별 합계',
  columns: [
    { key: 'month', header: '월', type: 'text' },
    { key: 'requestedKrw', header: '청구 금액(원)', type: 'integer' },
  ],
  rows: [
    { month: '2026-10', requestedKrw: 3_400_000 },
    { month: '2026-11', requestedKrw: null },
  ],
};

const BOM = [0xef, 0xbb, 0xbf];

/** The CSV as Excel reads it: UTF-8, BOM dropped, split on CRLF (the file's only line ending). */
const csvLines = (csv: Buffer) => new TextDecoder('utf-8', { fatal: true }).decode(csv).split('\r\n');

const loadXlsx = async (xlsx: Buffer) => {
  const workbook = new ExcelJS.Workbook();
  // exceljs types `load` for an ArrayBuffer, which a Node Buffer no longer satisfies under TS 5.7+.
  await workbook.xlsx.load(new Uint8Array(xlsx).buffer);
  return workbook;
};

const sheetOf = (workbook: ExcelJS.Workbook, name: string) => {
  const sheet = workbook.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet named ${name}`);
  return sheet;
};

describe('finance CSV export (opened in Excel)', () => {
  it('starts with the UTF-8 BOM and ends every line in CRLF, with no bare LF or CR anywhere', () => {
    // Prepare
    const views = [byDepartment, byMonth];

    // Act
    const csv = toCsv(views);

    // Assess
    expect([...csv.subarray(0, 3)]).toEqual(BOM);
    const text = csv.toString('utf8');
    expect(text).not.toMatch(/(?<!\r)\n/);
    expect(text).not.toMatch(/\r(?!\n)/);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('keeps the Korean headers intact in UTF-8', () => {
    // Prepare
    const views = [byDepartment];

    // Act
    const csv = toCsv(views);

    // Assess
    expect(csv.includes(Buffer.from('청구 금액(원)', 'utf8'))).toBe(true);
    expect(csvLines(csv)[1]).toBe('부서,건수,청구 금액(원),승인율(%),비고');
  });

  it('writes one block per view: its name, its headers, its rows, and an empty line before the next view', () => {
    // Prepare
    const views = [byDepartment, byMonth];

    // Act
    const lines = csvLines(toCsv(views));

    // Assess
    expect(lines).toEqual([
      '부서별 청구 현황',
      '부서,건수,청구 금액(원),승인율(%),비고',
      '총무과,3,1200000,81.5,',
      '"일자리경제과, 청년정책팀",2,450000,100,"견적서 ""최종""본 첨부"',
      "기획예산과,1,-50000,0,'-출장비 환수",
      '민원여권과,4,980000,75,"1차 반려',
      '재청구"',
      `재무과,1,30000,100,"'=HYPERLINK(""http://evil.example"",""보기"")"`,
      '',
      '월별 합계',
      '월,청구 금액(원)',
      '2026-10,3400000',
      '2026-11,',
      '', // after the last line's CRLF
    ]);
  });

  it('quotes a comma, doubles a quote and keeps a line break inside one field (RFC 4180)', () => {
    // Prepare
    const views = [byDepartment];

    // Act
    const text = new TextDecoder().decode(toCsv(views));

    // Assess
    expect(text).toContain('"일자리경제과, 청년정책팀",2,');
    expect(text).toContain(',"견적서 ""최종""본 첨부"\r\n');
    expect(text).toContain(',"1차 반려\r\n재청구"\r\n');
  });

  it('writes integers as plain digits that Excel reads as numbers, and null as an empty field', () => {
    // Prepare
    const views = [byDepartment, byMonth];

    // Act
    const lines = csvLines(toCsv(views));

    // Assess
    expect(lines).toContain('총무과,3,1200000,81.5,');
    expect(lines.join('\n')).not.toContain('1,200,000');
    expect(lines).toContain('2026-11,');
  });

  it('defuses text that Excel would run as a formula, but leaves a negative amount a number', () => {
    // Prepare
    const view: FinanceView = {
      name: '주의',
      columns: [
        { key: 'text', header: '내용', type: 'text' },
        { key: 'amount', header: '금액', type: 'integer' },
      ],
      rows: [
        { text: '=1+2', amount: -50_000 },
        { text: '+82 2-2148-1234', amount: -1 },
        { text: '-출장비 환수', amount: 0 },
        { text: '@SUM(A1)', amount: 7 },
        { text: '총무과 - 정산', amount: 1 },
      ],
    };

    // Act
    const lines = csvLines(toCsv([view]));

    // Assess
    expect(lines.slice(2, 7)).toEqual(["'=1+2,-50000", "'+82 2-2148-1234,-1", "'-출장비 환수,0", "'@SUM(A1),7", '총무과 - 정산,1']);
  });
});

describe('finance XLSX export (opened in Excel)', () => {
  it('has one sheet per view, named after the view, with the Korean headers in a bold frozen first row', async () => {
    // Prepare
    const views = [byDepartment, byMonth];

    // Act
    const workbook = await loadXlsx(await toXlsx(views));

    // Assess
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['부서별 청구 현황', '월별 합계']);
    const sheet = sheetOf(workbook, '부서별 청구 현황');
    const header = sheet.getRow(1);
    expect([1, 2, 3, 4, 5].map((column) => header.getCell(column).value)).toEqual(['부서', '건수', '청구 금액(원)', '승인율(%)', '비고']);
    expect(header.getCell(3).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheetOf(workbook, '월별 합계').getRow(1).getCell(2).value).toBe('청구 금액(원)');
  });

  it('stores amounts as numbers formatted #,##0 and percentages as numbers formatted 0.0', async () => {
    // Prepare
    const views = [byDepartment];

    // Act
    const sheet = sheetOf(await loadXlsx(await toXlsx(views)), '부서별 청구 현황');

    // Assess
    const 총무과 = sheet.getRow(2);
    expect(총무과.getCell(2).value).toBe(3);
    expect(총무과.getCell(3).value).toBe(1_200_000);
    expect(총무과.getCell(3).type).toBe(ExcelJS.ValueType.Number);
    expect(총무과.getCell(3).numFmt).toBe('#,##0');
    expect(총무과.getCell(4).value).toBe(81.5);
    expect(총무과.getCell(4).numFmt).toBe('0.0');
    expect(sheet.getRow(4).getCell(3).value).toBe(-50_000);
  });

  it('keeps text as text, formula-looking text included, and null as an empty cell', async () => {
    // Prepare
    const views = [byDepartment, byMonth];

    // Act
    const workbook = await loadXlsx(await toXlsx(views));

    // Assess
    const sheet = sheetOf(workbook, '부서별 청구 현황');
    expect(sheet.getRow(3).getCell(1).value).toBe('일자리경제과, 청년정책팀');
    expect(sheet.getRow(3).getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(6).getCell(5).value).toBe('=HYPERLINK("http://evil.example","보기")');
    expect(sheet.getRow(6).getCell(5).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(2).getCell(5).value).toBeNull();
    expect(sheetOf(workbook, '월별 합계').getRow(3).getCell(2).value).toBeNull();
  });

  it('makes columns wide enough for their Korean headers', async () => {
    // Prepare
    const views = [byMonth];

    // Act
    const sheet = sheetOf(await loadXlsx(await toXlsx(views)), '월별 합계');

    // Assess: '청구 금액(원)' is four Hangul (two widths each) and five narrow characters
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(13);
  });
});

describe('views that cannot be exported', () => {
  it('rejects a sheet name Excel would refuse, and an amount given as formatted text', async () => {
    // Prepare
    const slash: FinanceView = { ...byMonth, name: '2026/11 합계' };
    const tooLong: FinanceView = { ...byMonth, name: '부'.repeat(32) };
    const formattedAmount: FinanceView = { ...byMonth, rows: [{ month: '2026-10', requestedKrw: '1,200,000' }] };

    // Act
    const exports = [slash, tooLong, formattedAmount].map((view) => () => toCsv([view]));

    // Assess
    for (const exportView of exports) expect(exportView).toThrow(InvalidFinanceViewError);
    await expect(toXlsx([formattedAmount])).rejects.toThrow(/청구 금액\(원\).*not an integer/);
  });
});
