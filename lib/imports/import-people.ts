/**
 * Imports drivers or passengers from a spreadsheet: all rows or none. Every row goes through
 * the back office's own create use case (same schema, same rules, same audit rows), each in a
 * savepoint of one transaction so a bad row is reported and the rest still checked. A dry run,
 * or any bad row, rolls the whole transaction back: the preview's errors are the ones the real
 * import would meet, because they come from the same writes.
 */
import type { Knex } from '../../db/database.js';
import type { Actor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { createDriver } from '../drivers/manage-drivers.js';
import { createDriverSchema } from '../drivers/driver.schemas.js';
import { AppError, isAppError, type FieldErrors } from '../errors/app-error.js';
import { errorMessages, type Locale } from '../i18n/messages.js';
import { createPassenger } from '../passengers/manage-passengers.js';
import { createPassengerSchema } from '../passengers/passenger.schemas.js';
import { parseInput } from '../validation/parse-input.js';
import { mapImportRows, type ImportKind } from './import-columns.js';

export const maxImportRows = 2000;

export interface ImportRowError {
  row: number;
  code: string;
  message: string;
  fields?: FieldErrors;
}

export interface ImportReport {
  kind: ImportKind;
  dry_run: boolean;
  total_rows: number;
  valid_rows: number;
  /** Rows written: 0 for a dry run or when any row is bad. */
  imported: number;
  errors: ImportRowError[];
}

type ImportDeps = Pick<AppDeps, 'db' | 'config' | 'positionIndex' | 'redis'>;

class RollBack extends Error {}

/** The caller's transaction seen as a Database whose transactions are savepoints. */
const savepointsOf = (trx: Knex.Transaction): AppDeps['db'] => ({
  knex: trx,
  transaction: (work) => trx.transaction(work),
  close: () => Promise.resolve(),
});

async function createOne(deps: ImportDeps, actor: Actor, kind: ImportKind, body: unknown) {
  if (kind === 'drivers') await createDriver(deps, actor, parseInput(createDriverSchema, body));
  else await createPassenger(deps, actor, parseInput(createPassengerSchema, body));
}

export async function importPeople(
  deps: ImportDeps,
  actor: Actor,
  input: { kind: ImportKind; table: string[][]; dryRun: boolean; locale: Locale },
): Promise<ImportReport> {
  const { rows } = mapImportRows(input.kind, input.table);
  if (rows.length > maxImportRows) {
    throw new AppError('validation_failed', {
      fields: { file: [`At most ${maxImportRows} rows per file`] },
    });
  }
  const errors: ImportRowError[] = [];
  try {
    await deps.db.transaction(async (trx) => {
      const rowDeps = { ...deps, db: savepointsOf(trx) };
      for (const { row, body } of rows) {
        try {
          await createOne(rowDeps, actor, input.kind, body);
        } catch (e: unknown) {
          if (!isAppError(e)) throw e;
          errors.push({
            row,
            code: e.code,
            message: e.customMessage ?? errorMessages[e.code][input.locale],
            ...(e.fields ? { fields: e.fields } : {}),
          });
        }
      }
      if (input.dryRun || errors.length > 0) throw new RollBack();
    });
  } catch (e: unknown) {
    if (!(e instanceof RollBack)) throw e;
  }
  const valid = rows.length - errors.length;
  return {
    kind: input.kind,
    dry_run: input.dryRun,
    total_rows: rows.length,
    valid_rows: valid,
    imported: input.dryRun || errors.length > 0 ? 0 : valid,
    errors,
  };
}
