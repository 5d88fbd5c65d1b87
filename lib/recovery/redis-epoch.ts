/**
 * Noticing that Redis lost its data or restarted. An epoch key holds a random id set by the
 * first worker to find it missing; a wipe (FLUSHALL, a restart without persistence, a
 * failover to a lagging replica) removes it, so the next check sets a new one. A worker that
 * sees a different epoch than last time, or a different Redis `run_id` (a restart, even with
 * the data kept; on a cluster, any master's, so a failover counts too), reports a change.
 */
import { randomUUID } from 'node:crypto';
import { redisGroupKey, serverRunId, type Redis } from '../redis/redis.js';

/**
 * In the realtime gates' hash-tag group: on a cluster it then lives on the same master as the
 * version gates it dates, so losing that master's data loses the epoch too, and a lost gate
 * is never taken for one never written (other masters' losses show in their `run_id`).
 */
export const epochKey = (prefix: string): string => redisGroupKey(prefix, 'realtime', 'epoch');

export interface RedisIdentity {
  epoch: string;
  runId: string;
  /** This check found the epoch missing and set a new one. */
  wasEmpty: boolean;
}

/** The current epoch, set now when missing (`wasEmpty`). */
async function currentEpoch(
  redis: Redis,
  prefix: string,
): Promise<{ epoch: string; wasEmpty: boolean }> {
  // Starts with the time it was set: what Redis holds began then (see epochStartedAt).
  const candidate = `${Date.now()}-${randomUUID()}`;
  const set = await redis.set(epochKey(prefix), candidate, 'NX');
  const epoch = set === 'OK' ? candidate : ((await redis.get(epochKey(prefix))) ?? candidate);
  return { epoch, wasEmpty: set === 'OK' };
}

export async function readRedisIdentity(redis: Redis, prefix: string): Promise<RedisIdentity> {
  const { epoch, wasEmpty } = await currentEpoch(redis, prefix);
  return { epoch, runId: await serverRunId(redis), wasEmpty };
}

/** Whether `now` is another Redis (or the same one emptied) than `before`. */
export const redisChanged = (before: RedisIdentity | null, now: RedisIdentity): boolean =>
  before === null
    ? now.wasEmpty
    : now.wasEmpty || before.epoch !== now.epoch || before.runId !== now.runId;

/**
 * When the current epoch began (ms): state that should be in Redis but is missing belonged to
 * something older than this, and was wiped. No epoch set means Redis was emptied and no
 * check has run since: one begins now (the wipe was no later), so there is no window after a
 * wipe in which missing state passes for never written. Null only for an undated epoch.
 */
export async function epochStartedAt(redis: Redis, prefix: string): Promise<number | null> {
  const { epoch } = await currentEpoch(redis, prefix);
  const startedAt = Number(epoch.split('-')[0]);
  return Number.isFinite(startedAt) ? startedAt : null;
}

export interface EpochWatch {
  stop(): void;
}

/**
 * Checks the epoch every `everyMs` (and at once); calls `onChange` when Redis was emptied or
 * restarted since the last check. Keeping the epoch set also dates a wipe for the realtime
 * version gate, so every process that uses Redis runs one.
 */
export function watchRedisEpoch(
  redis: Redis,
  prefix: string,
  everyMs: number,
  onChange: () => Promise<void>,
): EpochWatch {
  let known: RedisIdentity | null = null;
  let checking = false;
  let stopped = false;
  const check = async () => {
    if (checking || stopped) return;
    checking = true;
    try {
      const now = await readRedisIdentity(redis, prefix);
      const changed = redisChanged(known, now);
      known = now;
      if (changed && !stopped) await onChange();
    } catch {
      // Redis is away: the next check after it returns tells what happened meanwhile.
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  void check();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
