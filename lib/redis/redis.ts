/**
 * Redis connections: one Redis server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES).
 * This module alone decides which; everything else takes the `Redis` it returns and keeps
 * its keys cluster-safe through `redisKey` / `redisGroupKey` (see docs/operations.md,
 * "Outgrowing one Redis"). Every key we write starts with the configured prefix.
 */
import { Cluster, Redis as ServerRedis, type ClusterOptions } from 'ioredis';

/** A client of either deployment; both speak the same commands. */
export type Redis = ServerRedis | Cluster;

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisSettings {
  /** The one Redis server; unused when `clusterNodes` is set. */
  url: string;
  /** Seed nodes of a Redis Cluster (any reachable ones; the rest are discovered). */
  clusterNodes?: RedisNode[] | null;
  prefix: string;
  /** A command that has no answer after this fails (the caller answers 503 rather than hang). */
  commandTimeoutMs: number;
}

export const isClusterSettings = (settings: RedisSettings): boolean =>
  (settings.clusterNodes?.length ?? 0) > 0;

/** Reconnect at once, then every half second at most: back within a second of Redis returning. */
export const reconnectDelayMs = (times: number): number => Math.min(times * 100, 500);

/** Per-connection options shared by a server client and each node client of a cluster. */
function connectionOptions(settings: RedisSettings) {
  return { maxRetriesPerRequest: 1, commandTimeout: settings.commandTimeoutMs };
}

function clusterOptions(
  settings: RedisSettings,
  redisOptions: Record<string, unknown>,
  extra: Partial<ClusterOptions> = {},
): ClusterOptions {
  return {
    enableOfflineQueue: true,
    clusterRetryStrategy: reconnectDelayMs,
    // A master that restarts in place (no failover) is reconnected as a lone server would be.
    clusterNodeRetryStrategy: reconnectDelayMs,
    // After a failover the new master's slots are learnt quickly, not at the next 5 s refresh.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    slotsRefreshTimeout: Math.max(1000, settings.commandTimeoutMs),
    ...extra,
    redisOptions,
  };
}

const quiet = <R extends Redis>(redis: R): R => {
  // A lost connection fails the commands in flight, which is where callers handle it (503,
  // retry); the connection event itself only needs a listener so it is not printed as unhandled.
  redis.on('error', () => undefined);
  return redis;
};

/** A general-purpose client (commands, rate limits, the position index, publishing). */
export function createRedis(settings: RedisSettings, options: { lazy?: boolean } = {}): Redis {
  const lazyConnect = options.lazy ?? false;
  if (isClusterSettings(settings)) {
    return quiet(
      new Cluster(
        settings.clusterNodes!,
        clusterOptions(settings, connectionOptions(settings), { lazyConnect }),
      ),
    );
  }
  return quiet(
    new ServerRedis(settings.url, {
      ...connectionOptions(settings),
      lazyConnect,
      enableOfflineQueue: true,
      retryStrategy: reconnectDelayMs,
    }),
  );
}

/**
 * A connection that only listens (SUBSCRIBE on one server; SSUBSCRIBE, sharded Pub/Sub, on a
 * cluster, with one subscriber per master that follows slot moves and failovers). Both kinds
 * subscribe again by themselves after a reconnect.
 */
export function createSubscriberRedis(settings: RedisSettings): Redis {
  if (isClusterSettings(settings)) {
    return quiet(
      new Cluster(
        settings.clusterNodes!,
        clusterOptions(settings, connectionOptions(settings), { shardedSubscribers: true }),
      ),
    );
  }
  return createRedis(settings);
}

/**
 * A cluster client for BullMQ, which BullMQ shares across one Queue or Worker and duplicates
 * for its blocking reads: no per-request retry cap and no command timeout, as BullMQ requires.
 * (On one Redis, BullMQ makes its own clients from options: lib/queue/queues.ts.)
 */
export function createQueueClusterClient(settings: RedisSettings): Cluster {
  return quiet(
    new Cluster(settings.clusterNodes!, clusterOptions(settings, { maxRetriesPerRequest: null })),
  );
}

/** Whether `client` is a cluster client (of `createRedis` or `createQueueClusterClient`). */
export const isClusterClient = (client: unknown): client is Cluster => client instanceof Cluster;

/**
 * Another connection like `redis` (e.g. for a blocking read), with its own command timeout.
 * `Cluster.duplicate` takes other arguments than `Redis.duplicate`, hence this one door.
 */
export function duplicateRedis(redis: Redis, override: { commandTimeout?: number } = {}): Redis {
  if (redis instanceof Cluster) {
    return quiet(
      redis.duplicate(undefined, {
        redisOptions: { ...redis.options.redisOptions, ...override },
      }),
    );
  }
  return quiet(redis.duplicate(override));
}

/**
 * Prefixes a key the same way everywhere, so deployments can share one Redis. A key that is
 * only ever used alone in a command may be named this way.
 */
export const redisKey = (prefix: string, ...parts: (string | number)[]): string =>
  [prefix, ...parts].join(':');

/**
 * A key of a group of keys that one command, script or MULTI uses together: the group is the
 * key's hash tag (`{…}`), so a cluster keeps the whole group in one slot. One server ignores
 * the braces. E.g. `redisGroupKey('invo', 'realtime', 'fanout')` = `invo:{realtime}:fanout`.
 */
export const redisGroupKey = (
  prefix: string,
  group: string | number,
  ...parts: (string | number)[]
): string => [prefix, `{${group}}`, ...parts].join(':');

/**
 * Who answers: the server's run id, or every master's (sorted), so a restart or a failover of
 * any of them reads as a change (lib/recovery/redis-epoch.ts).
 */
export async function serverRunId(redis: Redis): Promise<string> {
  const runIdOf = async (node: ServerRedis | Cluster) =>
    /run_id:(\w+)/.exec(await node.info('server'))?.[1] ?? '';
  if (!(redis instanceof Cluster)) return runIdOf(redis);
  const ids = await Promise.all(redis.nodes('master').map(runIdOf));
  return ids.sort().join(',');
}

/**
 * Redis did not answer: the connection is down, the command timed out, or the cluster has
 * no master for the slot yet. The API maps it to the contract's 503 (retry later), not a 500.
 */
export function isRedisUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'MaxRetriesPerRequestError' || e.name === 'ClusterAllFailedError') return true;
  return /^(Command timed out|Connection is closed|Stream isn't writeable|connect ECONNREFUSED|CLUSTERDOWN|TRYAGAIN|Failed to refresh slots cache|None of startup nodes is available)/.test(
    e.message,
  );
}
