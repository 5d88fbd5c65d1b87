/** Redis connections. Every key we write starts with the configured prefix. */
import { Redis } from 'ioredis';

export type { Redis };

export interface RedisSettings {
  url: string;
  prefix: string;
  /** A command that has no answer after this fails (the caller answers 503 rather than hang). */
  commandTimeoutMs: number;
}

/** Reconnect at once, then every half second at most: back within a second of Redis returning. */
export const reconnectDelayMs = (times: number): number => Math.min(times * 100, 500);

/** A general-purpose client (commands, rate limits, the position index). */
export function createRedis(settings: RedisSettings, options: { lazy?: boolean } = {}): Redis {
  const redis = new Redis(settings.url, {
    lazyConnect: options.lazy ?? false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    commandTimeout: settings.commandTimeoutMs,
    retryStrategy: reconnectDelayMs,
  });
  // A lost connection fails the commands in flight, which is where callers handle it (503,
  // retry); the connection event itself only needs a listener so it is not printed as unhandled.
  redis.on('error', () => undefined);
  return redis;
}

/** Prefixes a key the same way everywhere, so deployments can share one Redis. */
export const redisKey = (prefix: string, ...parts: (string | number)[]): string =>
  [prefix, ...parts].join(':');

/**
 * Redis did not answer: the connection is down or the command timed out. The API maps it to
 * the contract's 503 (retry later) rather than a 500.
 */
export function isRedisUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  return /^(Command timed out|Connection is closed|Stream isn't writeable|connect ECONNREFUSED)/.test(
    e.message,
  );
}
