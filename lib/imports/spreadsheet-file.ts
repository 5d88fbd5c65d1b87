/**
 * Reading and writing the people-import spreadsheets: .xlsx through read-excel-file /
 * write-excel-file (the only code that touches them), .csv through a small RFC 4180 reader.
 * Every cell comes out as trimmed text, so one set of column converters serves both formats.
 */
import { readSheet } from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import { AppError } from '../errors/app-error.js';

export const xlsxMediaType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const csvMediaType = 'text/csv';
export type SpreadsheetFormat = 'xlsx' | 'csv';

/** The format a request's Content-Type names, or null. */
export function spreadsheetFormatOf(contentType: string): SpreadsheetFormat | null {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === xlsxMediaType) return 'xlsx';
  if (type === csvMediaType || type === 'application/csv') return 'csv';
  return null;
}

/** Rows of text cells: RFC 4180 (quotes, doubled quotes, CRLF or LF, a leading BOM). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // Excel in ru/kk locales writes `;`-separated CSV: take whichever separator the header uses.
  const firstLine = source.split(/\r?\n/, 1)[0] ?? '';
  const separator =
    (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === separator) {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

const cellText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value).trim();
  }
  return '';
};

/** The file's first sheet as rows of trimmed text, blank rows dropped. */
export async function readSpreadsheet(
  file: Buffer,
  format: SpreadsheetFormat,
): Promise<string[][]> {
  let rows: unknown[][];
  if (format === 'csv') {
    rows = parseCsv(file.toString('utf8'));
  } else {
    try {
      rows = await readSheet(file);
    } catch {
      throw new AppError('validation_failed', {
        fields: { file: ['This is not a readable .xlsx spreadsheet'] },
      });
    }
  }
  return rows.map((row) => row.map(cellText)).filter((row) => row.some((cell) => cell !== ''));
}

const csvCell = (value: string) =>
  /[",;\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export function writeCsv(rows: string[][]): Buffer {
  return Buffer.from(
    `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`,
    'utf8',
  );
}

export async function writeXlsx(rows: string[][]): Promise<Buffer> {
  const sheet = rows.map((row) => row.map((value) => ({ value, type: String })));
  return writeXlsxFile(sheet).toBuffer();
}
