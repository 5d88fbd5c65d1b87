/**
 * Logout happens on a web node; the sockets of that session may sit on any realtime node.
 * The web announces revocations on a Redis channel so every node re-checks its sockets at
 * once; the periodic session sweep stays as the backstop for a missed message.
 */
import { redisKey, type Redis } from '../redis/redis.js';

export const sessionsRevokedChannel = (prefix: string): string =>
  redisKey(prefix, 'realtime', 'sessions-revoked');

/** Best effort: when Redis does not answer, the sweep still drops the sockets in time. */
export async function announceSessionsRevoked(redis: Redis, prefix: string): Promise<void> {
  await redis.publish(sessionsRevokedChannel(prefix), 'revoked').catch(() => 0);
}
