/**
 * The test environment: its own database and Redis prefix, so tests never touch a
 * developer's data. Override with TEST_DATABASE_URL / TEST_REDIS_URL / TEST_REDIS_PREFIX.
 */
import { loadConfig, type Config } from '../../lib/config/config.js';

export const testEnv: NodeJS.ProcessEnv = {
  NODE_ENV: 'test',
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/invo_test',
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1',
  REDIS_PREFIX: process.env.TEST_REDIS_PREFIX ?? 'invo-test',
  JWT_SECRET: 'test-secret-0123456789-0123456789-0123456789',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  DEFAULT_LOCALE: 'en',
  OTP_TEST_NUMBERS: '+77777777777:111111',
};

export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ ...testEnv, ...overrides });
}
