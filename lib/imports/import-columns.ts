/**
 * The columns of the people-import spreadsheets and how a row of text cells becomes the body
 * the back office's create endpoint takes. Pure. Validation itself is the create schema's, so
 * an imported driver or passenger meets exactly the rules of one created by hand.
 */
import { AppError } from '../errors/app-error.js';

export const importKinds = ['drivers', 'passengers'] as const;
export type ImportKind = (typeof importKinds)[number];

type Convert = (text: string) => unknown;

interface Column {
  name: string;
  required: boolean;
  example: string;
  convert?: Convert;
}

const truthy = new Set(['true', 'yes', '1', 'да', 'иә', 'y']);
const falsy = new Set(['false', 'no', '0', 'нет', 'жоқ', 'n']);

/** yes/no in en, ru or kk; anything else is passed on for the schema to refuse by name. */
const toBoolean: Convert = (text) => {
  const value = text.toLowerCase();
  if (truthy.has(value)) return true;
  if (falsy.has(value)) return false;
  return text;
};

const toInteger: Convert = (text) => (/^\d+$/.test(text) ? Number(text) : text);

export const importColumns: Record<ImportKind, Column[]> = {
  drivers: [
    { name: 'phone', required: true, example: '+7 705 123 45 67' },
    { name: 'name', required: true, example: 'Асхат Нурланов' },
    { name: 'region_id', required: true, example: 'atyrau_center' },
    { name: 'car_model', required: true, example: 'Hyundai Starex' },
    { name: 'plate_number', required: true, example: '123ABC06' },
    { name: 'capacity', required: true, example: '4', convert: toInteger },
    { name: 'wheelchair_accessible', required: false, example: 'yes', convert: toBoolean },
    { name: 'email', required: false, example: '' },
  ],
  passengers: [
    { name: 'phone', required: true, example: '+7 707 123 45 67' },
    { name: 'full_name', required: true, example: 'Гульнара Сапарова' },
    { name: 'region_id', required: true, example: 'atyrau_center' },
    { name: 'disability_category', required: true, example: 'I группа' },
    { name: 'allowed_companion', required: false, example: 'no', convert: toBoolean },
    { name: 'mobility_aid', required: false, example: 'wheelchair' },
    { name: 'email', required: false, example: '' },
  ],
};

/** The template: the header and one example row. */
export const templateRows = (kind: ImportKind): string[][] => [
  importColumns[kind].map((c) => c.name),
  importColumns[kind].map((c) => c.example),
];

export interface MappedRows {
  /** Spreadsheet row number (the header is row 1) and the create body. */
  rows: { row: number; body: Record<string, unknown> }[];
}

/** Checks the header, then maps each data row; empty cells are left out. */
export function mapImportRows(kind: ImportKind, table: string[][]): MappedRows {
  const [header = [], ...data] = table;
  const names = header.map((cell) => cell.trim().toLowerCase());
  const columns = importColumns[kind];
  const known = new Set(columns.map((c) => c.name));
  const problems: string[] = [];
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) problems.push(`Unknown columns: ${unknown.join(', ')}`);
  const missing = columns.filter((c) => c.required && !names.includes(c.name));
  if (missing.length > 0)
    problems.push(`Missing columns: ${missing.map((c) => c.name).join(', ')}`);
  if (data.length === 0) problems.push('The file has no data rows');
  if (problems.length > 0) throw new AppError('validation_failed', { fields: { file: problems } });

  return {
    rows: data.map((cells, index) => {
      const body: Record<string, unknown> = {};
      for (const column of columns) {
        const text = cells[names.indexOf(column.name)]?.trim() ?? '';
        if (text !== '') body[column.name] = column.convert ? column.convert(text) : text;
      }
      return { row: index + 2, body };
    }),
  };
}
