/**
 * Spreadsheet import of drivers and passengers (admin): a template to fill in, then the file
 * as the raw body (.xlsx or .csv by Content-Type). `?dry_run=true` previews: the per-row
 * errors, nothing written. Without it the import is all or nothing: any bad row → 400 with
 * the same report, nothing written.
 */
import * as yup from 'yup';
import type { AppDeps } from '../../../lib/deps.js';
import { AppError } from '../../../lib/errors/app-error.js';
import { importKinds, templateRows, type ImportKind } from '../../../lib/imports/import-columns.js';
import { importPeople } from '../../../lib/imports/import-people.js';
import {
  csvMediaType,
  readSpreadsheet,
  spreadsheetFormatOf,
  writeCsv,
  writeXlsx,
  xlsxMediaType,
} from '../../../lib/imports/spreadsheet-file.js';
import { readFileBody } from '../read-file-body.js';
import { Reply, type RouteRegistry } from '../route.js';

const tag = 'imports';
/** Two thousand rows of people fit well below this. */
const maxFileBytes = 2 * 1024 * 1024;

const templateQuery = yup
  .object({ format: yup.string().oneOf(['xlsx', 'csv']).default('xlsx') })
  .noUnknown('This parameter is not allowed');

const importQuery = yup
  .object({ dry_run: yup.boolean() })
  .noUnknown('This parameter is not allowed');

function kindParam(params: Record<string, string>): ImportKind {
  const kind = params.kind as ImportKind;
  if (!importKinds.includes(kind)) throw new AppError('not_found');
  return kind;
}

export function registerImportsRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/imports/:kind/template/',
    summary: 'The import template for drivers or passengers (admin): format=xlsx (default) or csv',
    tag,
    access: ['admin'],
    query: templateQuery,
    errors: [404],
    fileResponse: [xlsxMediaType, csvMediaType],
    handler: async ({ ctx, query, params }) => {
      const kind = kindParam(params);
      const rows = templateRows(kind);
      const isXlsx = query.format === 'xlsx';
      ctx.type = isXlsx ? xlsxMediaType : `${csvMediaType}; charset=utf-8`;
      ctx.attachment(`${kind}-template.${query.format}`);
      return isXlsx ? writeXlsx(rows) : writeCsv(rows);
    },
  });

  routes.add({
    method: 'post',
    path: '/api/imports/:kind/',
    summary:
      'Import drivers or passengers from a spreadsheet (admin): dry_run=true previews per-row errors; otherwise all rows or none',
    tag,
    access: ['admin'],
    query: importQuery,
    fileBody: {
      mediaTypes: [xlsxMediaType, csvMediaType],
      description: 'The filled-in template: first row the column names, one person per row',
    },
    response: 'ImportReport',
    errors: [404, 413, 415],
    handler: async ({ ctx, actor, query, params }) => {
      const kind = kindParam(params);
      const format = spreadsheetFormatOf(ctx.get('content-type'));
      if (!format) throw new AppError('unsupported_media_type');
      const file = await readFileBody(ctx.req, maxFileBytes);
      const table = await readSpreadsheet(file, format);
      const dryRun = query.dry_run === true;
      const report = await importPeople(deps, actor, {
        kind,
        table,
        dryRun,
        locale: ctx.state.locale,
      });
      if (!dryRun && report.errors.length > 0) {
        return new Reply(400, {
          ...report,
          error: 'No row was imported: fix the rows listed in errors and send the file again',
          code: 'validation_failed',
        });
      }
      return report;
    },
  });
}
