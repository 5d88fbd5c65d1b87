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
  return new Redis(settings.url, {
    lazyConnect: options.lazy ?? false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    commandTimeout: settings.commandTimeoutMs,
    retryStrategy: reconnectDelayMs,
  });
}

/** Prefixes a key the same way everywhere, so deployments can share one Redis. */
export const redisKey = (prefix: string, ...parts: (string | number)[]): string =>
  [prefix, ...parts].join(':');
