/**
 * Logout happens on a web node; the sockets of that session may sit on any realtime node.
 * The web announces revocations on a Redis channel (sharded on a cluster, lib/redis/pubsub)
 * so every node re-checks its sockets at once; the periodic session sweep stays as the
 * backstop for a missed message.
 */
import { publishMessage, subscribeChannel, type ChannelSubscription } from '../redis/pubsub.js';
import { redisKey, type Redis, type RedisSettings } from '../redis/redis.js';

export const sessionsRevokedChannel = (prefix: string): string =>
  redisKey(prefix, 'realtime', 'sessions-revoked');

/** Best effort: when Redis does not answer, the sweep still drops the sockets in time. */
export async function announceSessionsRevoked(redis: Redis, prefix: string): Promise<void> {
  await publishMessage(redis, sessionsRevokedChannel(prefix), 'revoked').catch(() => 0);
}

/** Calls `onRevoked` for every announcement, on a connection of its own. */
export function subscribeSessionsRevoked(
  settings: RedisSettings,
  onRevoked: () => void,
  onError?: (e: unknown) => void,
): ChannelSubscription {
  return subscribeChannel(settings, sessionsRevokedChannel(settings.prefix), onRevoked, onError);
}
