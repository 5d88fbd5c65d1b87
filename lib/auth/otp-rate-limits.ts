/**
 * Hourly limits on asking for and trying OTP codes, per phone and per client IP, kept in
 * Redis so every web process shares them. Requests and tries count separately against the
 * same configured numbers: typing a code wrong must not stop a user from asking for a new one.
 * Phones are keyed by a keyed hash, so Redis holds no phone numbers.
 */
import { createHmac } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/config.js';
import { deriveKey } from '../crypto/derive-key.js';
import { AppError } from '../errors/app-error.js';
import type { Redis } from '../redis/redis.js';

export type OtpAction = 'request' | 'verify';

export interface OtpRateLimits {
  /** Counts one attempt at `action`; throws 429 `rate_limited` (or 503 when Redis is down). */
  consume(action: OtpAction, phone: string, ip: string): Promise<void>;
  /** Forgets the phone's counter for `action` (after a successful login). */
  forgetPhone(action: OtpAction, phone: string): Promise<void>;
}

const hourSeconds = 3600;

export function createOtpRateLimits(
  redis: Redis,
  config: Pick<Config, 'otp' | 'redis' | 'jwt'>,
): OtpRateLimits {
  const limiter = (name: string, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.redis.prefix}:rl:otp-${name}`,
      points,
      duration: hourSeconds,
    });
  const limiters = {
    request: {
      phone: limiter('request-phone', config.otp.maxRequestsPerPhoneHour),
      ip: limiter('request-ip', config.otp.maxRequestsPerIpHour),
    },
    verify: {
      phone: limiter('verify-phone', config.otp.maxRequestsPerPhoneHour),
      ip: limiter('verify-ip', config.otp.maxRequestsPerIpHour),
    },
  };
  const hashKey = deriveKey(config.jwt.secret, 'rate-limit');
  const phoneKey = (phone: string) =>
    createHmac('sha256', hashKey).update(phone).digest('hex').slice(0, 32);

  const consumeOne = async (rl: RateLimiterRedis, key: string) => {
    try {
      await rl.consume(key);
    } catch (e: unknown) {
      if (e instanceof RateLimiterRes) {
        throw new AppError('rate_limited', {
          extra: { retry_after_seconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) },
        });
      }
      throw new AppError('service_unavailable');
    }
  };

  return {
    async consume(action, phone, ip) {
      // The IP first: a flood from one address must not use up a victim's phone budget.
      await consumeOne(limiters[action].ip, ip);
      await consumeOne(limiters[action].phone, phoneKey(phone));
    },
    async forgetPhone(action, phone) {
      await limiters[action].phone.delete(phoneKey(phone));
    },
  };
}
