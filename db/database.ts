/**
 * The PostgreSQL connection and its life cycle. Only db/ touches knex and objection; the
 * rest of the code sees `Db` (a connection or a transaction) and the repositories.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { Model } from 'objection';
import pg from 'pg';

export type Db = Knex | Knex.Transaction;
export type { Knex };

// Return BIGINT counts and ids as numbers and NUMERIC as numbers: the ranges we use fit.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => Number(value));

const migrationsDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Database {
  knex: Knex;
  transaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function knexConfig(databaseUrl: string, poolMax = 10): Knex.Config {
  return {
    client: 'pg',
    connection: databaseUrl,
    pool: { min: 0, max: poolMax },
    migrations: {
      directory: migrationsDirectory,
      loadExtensions: ['.ts', '.js'],
      tableName: 'knex_migrations',
    },
  };
}

/** SQLSTATEs after which the whole transaction may simply be run again. */
const retryableCodes = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
export const transactionAttempts = 3;

const sqlState = (e: unknown): unknown => {
  const error = e as { code?: unknown; nativeError?: { code?: unknown } };
  return error.code ?? error.nativeError?.code;
};

/**
 * Runs `work` in a transaction, again (up to `transactionAttempts` times, after a short
 * random pause) when PostgreSQL aborts it as a deadlock victim or a serialization failure:
 * the rolled-back attempt left nothing behind, so a retry is the documented remedy.
 */
async function retryingTransaction<T>(
  knex: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await knex.transaction(work);
    } catch (e: unknown) {
      if (attempt >= transactionAttempts || !retryableCodes.has(sqlState(e) as string)) throw e;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

export function createDatabase(databaseUrl: string, poolMax = 10): Database {
  const knex = knexFactory(knexConfig(databaseUrl, poolMax));
  Model.knex(knex);
  return {
    knex,
    transaction: (work) => retryingTransaction(knex, work),
    close: () => knex.destroy(),
  };
}

/** Creates the database named in the URL when it is missing (first start, fresh test run). */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`Unsupported database name: ${name}`);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } catch (e: unknown) {
        // Another process created it between our check and our CREATE.
        if ((e as { code?: string }).code !== '42P04') throw e;
      }
    }
  } finally {
    await admin.end();
  }
}

/**
 * Creates the database if needed and applies every migration: the one place migrations run
 * (`bin/migrate.ts`, i.e. the Procfile's and Compose's `release`, `npm run db:migrate`, and
 * `npm start` once before it starts the processes; the tests' root hook).
 */
export async function migrateLatest(databaseUrl: string): Promise<string[]> {
  await ensureDatabaseExists(databaseUrl);
  const knex = knexFactory(knexConfig(databaseUrl, 2));
  try {
    const [, applied] = (await knex.migrate.latest()) as [number, string[]];
    return applied;
  } finally {
    await knex.destroy();
  }
}

export type SchemaStatus = { databaseExists: false } | { databaseExists: true; pending: string[] };

const withoutExtension = (name: string) => name.replace(/\.(ts|js)$/, '');

/**
 * Whether the database exists and which migrations it lacks; reads only (knex's own list
 * would create its tables). Names are compared without their extension, so a database
 * migrated from `dist/` (`.js`) counts as current for the sources (`.ts`) and back.
 */
export async function schemaStatus(databaseUrl: string): Promise<SchemaStatus> {
  const files = (await readdir(migrationsDirectory))
    .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
    .map(withoutExtension);
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (e: unknown) {
    await client.end().catch(() => undefined);
    if (sqlState(e) === '3D000') return { databaseExists: false }; // invalid_catalog_name
    throw e;
  }
  try {
    const table = await client.query<{ name: string | null }>(
      "SELECT to_regclass('knex_migrations')::text AS name",
    );
    const rows = table.rows[0]?.name
      ? (await client.query<{ name: string }>('SELECT name FROM knex_migrations')).rows
      : [];
    const applied = new Set(rows.map((row) => withoutExtension(row.name)));
    return { databaseExists: true, pending: files.filter((file) => !applied.has(file)).sort() };
  } finally {
    await client.end();
  }
}
