/** Real dependencies for tests (PostgreSQL, Redis, BullMQ), with a fake-able clock. */
import { createDeps, closeDeps, type AppDeps } from '../../lib/deps.js';
import { createLogger } from '../../lib/logger/logger.js';
import { epochStartedAt } from '../../lib/recovery/redis-epoch.js';
import type { Clock } from '../../lib/clock/clock.js';
import { testConfig } from './test-env.js';

export function createTestDeps(overrides: NodeJS.ProcessEnv = {}, clock?: Clock): AppDeps {
  const config = testConfig(overrides);
  return createDeps(config, createLogger({ level: config.logLevel, name: 'test' }), clock);
}

/** Empties every table (keeping the schema) and every Redis key under the test prefix. */
export async function resetState(deps: AppDeps): Promise<void> {
  const tables = (await deps.db
    .knex('pg_tables')
    .where('schemaname', 'public')
    .whereNotIn('tablename', ['knex_migrations', 'knex_migrations_lock'])
    .pluck('tablename')) as string[];
  if (tables.length > 0) {
    await deps.db.knex.raw(
      `TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`,
    );
  }
  await flushPrefix(deps);
  // The flush is a wipe: start its epoch now, as a worker's epoch check would within a second,
  // so orders the test creates next are newer than the wipe (not treated as wiped, at most once).
  await epochStartedAt(deps.redis, deps.config.redis.prefix);
}

export async function flushPrefix(deps: AppDeps): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await deps.redis.scan(
      cursor,
      'MATCH',
      `${deps.config.redis.prefix}:*`,
      'COUNT',
      1000,
    );
    cursor = next;
    if (keys.length > 0) await deps.redis.unlink(...keys);
  } while (cursor !== '0');
}

export { closeDeps };
