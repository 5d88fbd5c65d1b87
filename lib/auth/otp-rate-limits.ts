/**
 * Limits on asking for and trying OTP codes, kept in Redis so every web process shares them.
 * They are keyed so that a stranger cannot lock a passenger out (issue 9):
 *
 * - asking: per client address (OTP_MAX_REQUESTS_PER_IP_HOUR), per phone *and* client
 *   (OTP_MAX_REQUESTS_PER_PHONE_HOUR), and a high per-phone ceiling across all clients
 *   (OTP_PHONE_CEILING_PER_HOUR) that bounds the SMS one phone can be sent;
 * - trying: per client address, and per phone and client with backoff: as many failures as
 *   one code allows (OTP_MAX_ATTEMPTS) and one more, then a wait that doubles with each further failure,
 *   up to `maxBackoffSeconds`. Each code also dies after OTP_MAX_ATTEMPTS wrong tries
 *   (lib/auth/otp-code), which with the ceiling bounds the guesses at one phone per hour,
 *   whatever the number of clients.
 *
 * A refresh token never passes here, so a signed-in device keeps its session throughout.
 * Phones are keyed by a keyed hash, so Redis holds no phone numbers.
 */
import { createHmac } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/config.js';
import { deriveKey } from '../crypto/derive-key.js';
import { AppError } from '../errors/app-error.js';
import { redisGroupKey, redisKey, type Redis } from '../redis/redis.js';

export type OtpAction = 'request' | 'verify';

export interface OtpRateLimits {
  /** Counts one attempt at `action`; throws 429 `rate_limited` (or 503 when Redis is down). */
  consume(action: OtpAction, phone: string, ip: string): Promise<void>;
  /** A try from this client failed (wrong code, or no live code): the backoff grows. */
  recordFailedTry(phone: string, ip: string): Promise<void>;
  /** A try from this client succeeded: its failures are forgotten. */
  forgetFailedTries(phone: string, ip: string): Promise<void>;
}

const hourSeconds = 3600;
export const maxBackoffSeconds = 900;

/** Seconds a client waits after its `failures`-th failed try for one phone. */
export const backoffSeconds = (failures: number, freeTries: number): number =>
  failures <= freeTries ? 0 : Math.min(2 ** (failures - freeTries - 1), maxBackoffSeconds);

const rateLimited = (retryAfterMs: number) =>
  new AppError('rate_limited', {
    extra: { retry_after_seconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
  });

export function createOtpRateLimits(
  redis: Redis,
  config: Pick<Config, 'otp' | 'redis' | 'jwt'>,
): OtpRateLimits {
  const prefix = redisKey(config.redis.prefix, 'rl');
  const limiter = (name: string, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:otp-${name}`,
      points,
      duration: hourSeconds,
    });
  const limiters = {
    request: {
      ip: limiter('request-ip', config.otp.maxRequestsPerIpHour),
      phoneClient: limiter('request-phone-client', config.otp.maxRequestsPerPhoneHour),
      phone: limiter('request-phone', config.otp.phoneCeilingPerHour),
    },
    verify: { ip: limiter('verify-ip', config.otp.maxRequestsPerIpHour) },
  };
  const hashKey = deriveKey(config.jwt.secret, 'rate-limit');
  const phoneKey = (phone: string) =>
    createHmac('sha256', hashKey).update(phone).digest('hex').slice(0, 32);
  // Deleted together (forgetFailedTries): one hash tag per phone and client, one cluster slot.
  const verifyGroup = (phone: string, ip: string) => `otp-verify:${phoneKey(phone)}:${ip}`;
  const failuresKey = (phone: string, ip: string) =>
    redisGroupKey(prefix, verifyGroup(phone, ip), 'failures');
  const waitKey = (phone: string, ip: string) =>
    redisGroupKey(prefix, verifyGroup(phone, ip), 'wait');

  const consumeOne = async (rl: RateLimiterRedis, key: string) => {
    try {
      await rl.consume(key);
    } catch (e: unknown) {
      if (e instanceof RateLimiterRes) throw rateLimited(e.msBeforeNext);
      throw new AppError('service_unavailable');
    }
  };
  const redisCall = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch {
      throw new AppError('service_unavailable');
    }
  };

  return {
    async consume(action, phone, ip) {
      // The IP first: a flood from one address must not use up a victim's phone budget.
      if (action === 'request') {
        await consumeOne(limiters.request.ip, ip);
        await consumeOne(limiters.request.phoneClient, `${phoneKey(phone)}:${ip}`);
        await consumeOne(limiters.request.phone, phoneKey(phone));
        return;
      }
      await consumeOne(limiters.verify.ip, ip);
      const waitMs = await redisCall(() => redis.pttl(waitKey(phone, ip)));
      if (waitMs > 0) throw rateLimited(waitMs);
    },
    async recordFailedTry(phone, ip) {
      const failures = await redisCall(async () => {
        const [[, count]] = (await redis
          .multi()
          .incr(failuresKey(phone, ip))
          .expire(failuresKey(phone, ip), hourSeconds)
          .exec()) as [[unknown, number]];
        return count;
      });
      const waitSeconds = backoffSeconds(failures, config.otp.maxAttempts);
      if (waitSeconds > 0) {
        await redisCall(() => redis.set(waitKey(phone, ip), '1', 'EX', waitSeconds));
      }
    },
    async forgetFailedTries(phone, ip) {
      await redisCall(() => redis.del(failuresKey(phone, ip), waitKey(phone, ip)));
    },
  };
}
