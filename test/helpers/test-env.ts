/**
 * The test environment: its own database and Redis prefix, so tests never touch a
 * developer's data. Override with TEST_DATABASE_URL / TEST_REDIS_URL / TEST_REDIS_PREFIX.
 *
 * Each test file runs under a Redis prefix of its own (TEST_REDIS_PREFIX plus the file's
 * name, set by the root hooks before the file's own hooks), so the BullMQ queues and keys of
 * one suite never meet another's; processes a suite spawns inherit it through `testEnv`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../lib/config/config.js';

const basePrefix = process.env.TEST_REDIS_PREFIX ?? 'invo-test';
const testRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const testEnv: NodeJS.ProcessEnv = {
  NODE_ENV: 'test',
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/invo_test',
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1',
  REDIS_PREFIX: basePrefix,
  JWT_SECRET: 'test-secret-0123456789-0123456789-0123456789',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  DEFAULT_LOCALE: 'en',
  OTP_TEST_NUMBERS: '+77777777777:111111',
};

/** `test/integration/chaos/redis-wipe.test.ts` → `<base>-integration-chaos-redis-wipe`. */
export function suitePrefix(file: string): string {
  const name = path
    .relative(testRoot, file)
    .replace(/\.test\.[cm]?[jt]s$/, '')
    .replace(/[^A-Za-z0-9]+/g, '-');
  return `${basePrefix}-${name}`;
}

/** From now on, deps, configs and processes made for tests use the suite's own prefix. */
export function useSuitePrefix(file: string | undefined): void {
  testEnv.REDIS_PREFIX = file ? suitePrefix(file) : basePrefix;
}

export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ ...testEnv, ...overrides });
}
