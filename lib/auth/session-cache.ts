/**
 * Which sessions are valid, remembered per process so a request does not cost a PostgreSQL
 * round trip. Kept exact by the revocation announcements (lib/realtime/session-revocations.ts)
 * that logout, refresh-token reuse, deactivation and role changes publish after their commit:
 * any announcement empties the whole cache (revocations are rare next to requests, and an
 * empty cache only costs one lookup per active session).
 *
 * The cache is only used while this process is subscribed: before the subscription is
 * confirmed, and from the moment the connection drops until it is confirmed again, every
 * check goes to PostgreSQL (an announcement missed meanwhile cannot leave a stale entry).
 * A lookup that started before an announcement is not cached (a generation counter), so a
 * read racing a revocation cannot put the revoked session back.
 */
import type { Logger } from '../logger/logger.js';
import { Cluster } from 'ioredis';
import { createSubscriberRedis, type Redis, type RedisSettings } from '../redis/redis.js';
import { sessionsRevokedChannel } from '../realtime/session-revocations.js';
import type { UserActor } from './actor.js';

export interface SessionCache {
  /** The session's actor: cached, or from `load` (undefined = not valid, never cached). */
  lookup(
    sessionId: string,
    userId: number,
    load: () => Promise<UserActor | undefined>,
  ): Promise<UserActor | undefined>;
  /** Resolves once the cache is in use (subscribed); for tests and start-up checks. */
  ready(): Promise<void>;
  /** Called on every announcement received; for tests that wait on one. */
  onRevocation(listener: () => void): void;
  close(): void;
}

export interface SessionCacheOptions {
  /** Where the announcements are published: one Redis or a cluster (sharded Pub/Sub there). */
  redis: RedisSettings;
  logger: Logger;
  /** 0 turns the cache off: every check reads PostgreSQL. */
  ttlMs: number;
  maxEntries?: number;
}

/**
 * Only actors with their profile are cached: a login that has yet to register (no passenger
 * or driver id) gets one without any announcement, so it is always read afresh.
 */
function isComplete(actor: UserActor): boolean {
  if (actor.role === 'driver') return actor.driverId !== null;
  if (actor.role === 'passenger') return actor.passengerId !== null;
  return true;
}

interface Entry {
  actor: UserActor;
  expiresAt: number;
}

export function createSessionCache(options: SessionCacheOptions): SessionCache {
  const maxEntries = options.maxEntries ?? 50_000;
  const entries = new Map<string, Entry>();
  const listeners: (() => void)[] = [];
  let subscriber: Redis | undefined;
  let listening = false;
  let generation = 0;
  let closed = false;
  let readyWaiters: (() => void)[] = [];

  const invalidate = () => {
    generation++;
    entries.clear();
  };

  function subscribe(client: Redis): void {
    const channel = sessionsRevokedChannel(options.redis.prefix);
    const subscribed =
      client instanceof Cluster ? client.ssubscribe(channel) : client.subscribe(channel);
    subscribed.then(
      () => {
        if (closed || client.status !== 'ready') return;
        // Anything announced before this point was missed: start empty.
        invalidate();
        listening = true;
        options.logger.info('session cache listening');
        for (const resolve of readyWaiters) resolve();
        readyWaiters = [];
      },
      (e: unknown) => options.logger.warn({ err: e }, 'session cache not subscribed; bypassed'),
    );
  }

  function start(): void {
    if (subscriber || closed || options.ttlMs === 0) return;
    const client = createSubscriberRedis(options.redis);
    subscriber = client;
    client.on(client instanceof Cluster ? 'smessage' : 'message', () => {
      invalidate();
      options.logger.debug('sessions revoked: session cache emptied');
      for (const listener of listeners) listener();
    });
    const lost = () => {
      if (listening) options.logger.warn('revocation channel lost; session cache bypassed');
      listening = false;
      invalidate();
    };
    client.on('close', lost);
    client.on('end', lost);
    client.on('error', () => undefined); // reported through 'close'; ioredis reconnects
    // Reconnected: subscribe again (idempotent beside ioredis's own resubscribe) and only
    // trust the cache once Redis confirms it.
    client.on('ready', () => subscribe(client));
  }

  return {
    async lookup(sessionId, userId, load) {
      start();
      if (listening) {
        const entry = entries.get(sessionId);
        if (entry && entry.actor.userId === userId && entry.expiresAt > Date.now()) {
          return entry.actor;
        }
      }
      const before = generation;
      const actor = await load();
      if (actor && isComplete(actor) && listening && before === generation) {
        entries.delete(sessionId);
        entries.set(sessionId, { actor, expiresAt: Date.now() + options.ttlMs });
        // Bounded: the oldest entry goes first (Map keeps insertion order).
        if (entries.size > maxEntries) {
          const oldest = entries.keys().next();
          if (!oldest.done) entries.delete(oldest.value);
        }
      }
      return actor;
    },

    ready() {
      start();
      if (listening || options.ttlMs === 0) return Promise.resolve();
      return new Promise((resolve) => readyWaiters.push(resolve));
    },

    onRevocation(listener) {
      listeners.push(listener);
    },

    close() {
      closed = true;
      listening = false;
      entries.clear();
      subscriber?.disconnect();
      for (const resolve of readyWaiters) resolve();
      readyWaiters = [];
    },
  };
}
