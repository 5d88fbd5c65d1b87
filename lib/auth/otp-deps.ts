/** What the phone-login use cases need, built once per process from the app's deps. */
import type { Database } from '../../db/database.js';
import type { Clock } from '../clock/clock.js';
import type { Config } from '../config/config.js';
import type { Redis } from '../redis/redis.js';
import { createOtpRateLimits, type OtpRateLimits } from './otp-rate-limits.js';
import { normalizeTestNumbers } from './phone.js';

export interface OtpDeps {
  db: Database;
  config: Config;
  clock: Clock;
  limits: OtpRateLimits;
  /** Test phones (E.164) and their fixed codes. */
  testNumbers: Map<string, string>;
}

export function createOtpDeps(deps: {
  db: Database;
  config: Config;
  clock: Clock;
  redis: Redis;
}): OtpDeps {
  return {
    db: deps.db,
    config: deps.config,
    clock: deps.clock,
    limits: createOtpRateLimits(deps.redis, deps.config),
    testNumbers: normalizeTestNumbers(deps.config.otp.testNumbers, deps.config.defaultCountry),
  };
}
