/**
 * What the phone-login use cases share beyond the database, built once per process into
 * `AppDeps.otp`: the Redis-kept limits on asking for and trying codes, and the test phones
 * of OTP_TEST_NUMBERS (normalised here, so a phone that is not valid stops the start).
 */
import type { Config } from '../config/config.js';
import type { Redis } from '../redis/redis.js';
import { createOtpRateLimits, type OtpRateLimits } from './otp-rate-limits.js';
import { normalizeTestNumbers } from './phone.js';

export interface OtpServices {
  limits: OtpRateLimits;
  /** Test phones (E.164) and their fixed codes: no code is stored or sent for them. */
  testCodes: ReadonlyMap<string, string>;
}

export function createOtpServices(
  redis: Redis,
  config: Pick<Config, 'otp' | 'redis' | 'jwt' | 'defaultCountry'>,
): OtpServices {
  return {
    limits: createOtpRateLimits(redis, config),
    testCodes: normalizeTestNumbers(config.otp.testNumbers, config.defaultCountry),
  };
}
