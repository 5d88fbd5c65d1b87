/** Redis connections. Every key we write starts with the configured prefix. */
import { Redis } from 'ioredis';

export type { Redis };

export interface RedisSettings {
  url: string;
  prefix: string;
}

/** A general-purpose client (commands, rate limits, the position index). */
export function createRedis(settings: RedisSettings, options: { lazy?: boolean } = {}): Redis {
  return new Redis(settings.url, {
    lazyConnect: options.lazy ?? false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
}

/** Prefixes a key the same way everywhere, so deployments can share one Redis. */
export const redisKey = (prefix: string, ...parts: (string | number)[]): string =>
  [prefix, ...parts].join(':');
