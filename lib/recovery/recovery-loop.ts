/**
 * The worker's recovery duties: a reconciliation sweep every RECOVERY_SWEEP_SECONDS, and at
 * once when Redis comes back empty or restarted (checked every RECOVERY_EPOCH_CHECK_MS):
 * then the position index is refilled from PostgreSQL, the repeatable schedules are
 * registered again and the sweep re-owes every job that was lost.
 */
import type { AppDeps } from '../deps.js';
import { scheduleRepeatableJobs } from '../jobs/schedules.js';
import { rebuildPositionIndex } from './rebuild-position-index.js';
import { reconcileOwedWork, type RecoverySweepOptions } from './reconcile-owed-work.js';
import { watchRedisEpoch } from './redis-epoch.js';

export interface RecoveryLoop {
  /** Runs a sweep now (tests, and the loop itself). */
  sweep(options?: RecoverySweepOptions): Promise<void>;
  stop(): Promise<void>;
}

export function startRecoveryLoop(deps: AppDeps): RecoveryLoop {
  const log = deps.logger.child({ component: 'recovery' });
  let stopped = false;
  let work: Promise<void> = Promise.resolve();

  // One duty at a time in this process; a sweep asked for meanwhile runs after it.
  const serial = (task: () => Promise<void>): Promise<void> => {
    work = work
      .then(task, task)
      .catch((e: unknown) => log.warn({ err: e }, 'recovery step failed'));
    return work;
  };

  const sweep = (options: RecoverySweepOptions = {}) =>
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

  const sweepTimer = setInterval(() => void sweep(), deps.config.recovery.sweepSeconds * 1000);
  sweepTimer.unref();
  // At start: the first check learns the epoch (a first start or an emptied Redis rebuilds).
  const epoch = watchRedisEpoch(
    deps.redis,
    deps.config.redis.prefix,
    deps.config.recovery.epochCheckMs,
    afterRedisChange,
  );
  void sweep();

  return {
    sweep: (options) => sweep(options),
    stop: async () => {
      stopped = true;
      epoch.stop();
      clearInterval(sweepTimer);
      await work;
    },
  };
}
