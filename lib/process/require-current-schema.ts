/**
 * The web's start-up check: migrations run in one place (`bin/migrate.ts`: the `release`
 * step, `npm run db:migrate`, and `npm start` before it starts the processes), so a web
 * process that finds the database missing or behind refuses to serve rather than migrate it.
 */
import { schemaStatus, type SchemaStatus } from '../../db/database.js';
import type { Logger } from '../logger/logger.js';

/** Why the schema is not the code's, in one line, or null when it is current. */
export function schemaProblem(status: SchemaStatus): string | null {
  const remedy = 'run `npm run db:migrate` (the release step) first';
  if (!status.databaseExists) return `The database does not exist: ${remedy}`;
  if (status.pending.length === 0) return null;
  const count = status.pending.length;
  return `The database schema is not current (${count} migration${count === 1 ? '' : 's'} pending, first ${status.pending[0]}): ${remedy}`;
}

/** Exit code when the schema is not current (EX_UNAVAILABLE: a dependency is not ready). */
export const schemaNotCurrentExitCode = 69;

export async function exitUnlessSchemaCurrent(databaseUrl: string, logger: Logger): Promise<void> {
  const problem = schemaProblem(await schemaStatus(databaseUrl));
  if (problem === null) return;
  logger.fatal(problem);
  process.stderr.write(`${problem}\n`);
  process.exit(schemaNotCurrentExitCode);
}
