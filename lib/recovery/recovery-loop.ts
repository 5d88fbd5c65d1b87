/**
 * The worker's recovery duties: a reconciliation sweep every RECOVERY_SWEEP_SECONDS, and at
 * once when Redis comes back empty or restarted (checked every RECOVERY_EPOCH_CHECK_MS):
 * then the position index is refilled from PostgreSQL, the repeatable schedules are
 * registered again and the sweep re-owes every job that was lost.
 */
import type { AppDeps } from '../deps.js';
import { scheduleRepeatableJobs } from '../jobs/schedules.js';
import { rebuildPositionIndex } from './rebuild-position-index.js';
import { reconcileOwedWork, type SweepOptions } from './reconcile-owed-work.js';
import { readRedisIdentity, redisChanged, type RedisIdentity } from './redis-epoch.js';

export interface RecoveryLoop {
  /** Runs a sweep now (tests, and the loop itself). */
  sweep(options?: SweepOptions): Promise<void>;
  stop(): Promise<void>;
}

export function startRecoveryLoop(deps: AppDeps): RecoveryLoop {
  const log = deps.logger.child({ component: 'recovery' });
  let known: RedisIdentity | null = null;
  let stopped = false;
  let work: Promise<void> = Promise.resolve();

  // One duty at a time in this process; a sweep asked for meanwhile runs after it.
  const serial = (task: () => Promise<void>): Promise<void> => {
    work = work
      .then(task, task)
      .catch((e: unknown) => log.warn({ err: e }, 'recovery step failed'));
    return work;
  };

  const sweep = (options: SweepOptions = {}) =>
    serial(async () => {
      if (stopped) return;
      const started = Date.now();
      const result = await reconcileOwedWork(deps, options);
      if (result.swept && Object.keys(result.reowed).length > 0) {
        log.warn({ reowed: result.reowed, ms: Date.now() - started }, 'recovery re-owed lost jobs');
      }
    });

  const afterRedisChange = () =>
    serial(async () => {
      const started = Date.now();
      const [positions, schedules] = await Promise.all([
        rebuildPositionIndex(deps),
        scheduleRepeatableJobs(deps.queues, deps.config),
      ]);
      log.warn(
        { positions, schedules, ms: Date.now() - started },
        'redis was emptied or restarted',
      );
      // No grace: a state written just before the wipe lost its job like the others (rows
      // still on their way through the outbox are seen as such).
    }).then(() => sweep({ waitForLock: true, graceSeconds: 0 }));

  const checkEpoch = async () => {
    try {
      const now = await readRedisIdentity(deps.redis, deps.config.redis.prefix);
      const changed = redisChanged(known, now);
      known = now;
      if (changed && !stopped) await afterRedisChange();
    } catch {
      // Redis is away: the next check after it returns tells what happened meanwhile.
    }
  };

  let checking = false;
  const epochTimer = setInterval(() => {
    if (checking) return;
    checking = true;
    void checkEpoch().finally(() => (checking = false));
  }, deps.config.recovery.epochCheckMs);
  const sweepTimer = setInterval(() => void sweep(), deps.config.recovery.sweepSeconds * 1000);
  epochTimer.unref();
  sweepTimer.unref();
  // At start: learn the epoch (a first start or an emptied Redis rebuilds), then one sweep.
  void checkEpoch().then(() => sweep());

  return {
    sweep: (options) => sweep(options),
    stop: async () => {
      stopped = true;
      clearInterval(epochTimer);
      clearInterval(sweepTimer);
      await work;
    },
  };
}
