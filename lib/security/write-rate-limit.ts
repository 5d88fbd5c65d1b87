/**
 * Rate limits on writes, shared by every web node through Redis: per signed-in user, or per
 * client IP for anonymous callers. When Redis does not answer, an in-memory limiter of the
 * same size takes over for that node, so an outage neither blocks every write nor lifts the
 * limit.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors/app-error.js';
import { redisKey, type Redis } from '../redis/redis.js';

export interface WriteRateLimitSettings {
  userWritesPerMinute: number;
  ipWritesPerMinute: number;
}

export type WriteCaller = { userId: number } | { ip: string };

export interface WriteRateLimiter {
  /** Counts one write; throws AppError('rate_limited') with retry_after_seconds past the limit. */
  consume(caller: WriteCaller): Promise<void>;
}

function makeLimiter(redis: Redis, keyPrefix: string, points: number) {
  if (points === 0) return null;
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration: 60,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: 60 }),
  });
}

export function createWriteRateLimiter(
  redis: Redis,
  prefix: string,
  settings: WriteRateLimitSettings,
): WriteRateLimiter {
  const perUser = makeLimiter(
    redis,
    redisKey(prefix, 'rl', 'writes', 'user'),
    settings.userWritesPerMinute,
  );
  const perIp = makeLimiter(
    redis,
    redisKey(prefix, 'rl', 'writes', 'ip'),
    settings.ipWritesPerMinute,
  );
  return {
    consume: async (caller) => {
      const [limiter, key] =
        'userId' in caller ? [perUser, String(caller.userId)] : [perIp, caller.ip];
      if (!limiter) return;
      try {
        await limiter.consume(key);
      } catch (e: unknown) {
        if (e instanceof RateLimiterRes) {
          throw new AppError('rate_limited', {
            extra: { retry_after_seconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) },
          });
        }
        throw e;
      }
    },
  };
}
