/**
 * The recovery sweep: PostgreSQL is the source of truth for what is owed. Every job that
 * declares `owedWork` lists the states that owe it (orders searching or pre-booked, offers
 * pending, messages unsent); each one with neither a live job in Redis nor an outbox row on
 * its way is re-owed through the outbox under a fresh job id, so an old completed or failed
 * job can never block it. One sweep at a time across all workers (an advisory lock).
 *
 * A re-owed job that turns out to be a duplicate (its original was only being moved between
 * Redis lists as we looked) is harmless: every processor re-checks the state it acts on.
 */
import type { Db } from '../../db/database.js';
import { listOwedOutbox, tryLockRecoverySweep } from '../../db/repositories/recovery.repository.js';
import { systemActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { owedJob, oweAll, type OwedJob } from '../jobs/owe.js';
import { jobDefinition, jobNames, type JobName } from '../jobs/registry.js';
import type { QueueName } from '../queue/queue-names.js';
import { listLiveWork, workKey } from './live-jobs.js';

/** Whether this worker held the sweep lock, and how many jobs of each kind it re-owed. */
export type RecoverySweepOutcome =
  { swept: false } | { swept: true; reowed: Partial<Record<JobName, number>> };

type SweepDeps = Pick<AppDeps, 'db' | 'queues' | 'clock' | 'config'>;

const reconciledJobs = (): JobName[] =>
  jobNames.filter((name) => jobDefinition(name).owedWork !== undefined);

export interface RecoverySweepOptions {
  /**
   * Queue behind a sweep in progress instead of skipping (after a Redis wipe, a sweep that
   * started before it may have looked too early).
   */
  waitForLock?: boolean;
  /** Default RECOVERY_GRACE_SECONDS; 0 right after a wipe, when everything young was lost too. */
  graceSeconds?: number;
}

async function findMissingWork(
  trx: Db,
  deps: SweepDeps,
  sweepId: string,
  graceSeconds: number,
): Promise<OwedJob[]> {
  const now = deps.clock.now();
  const query = { now, changedBefore: new Date(now.getTime() - graceSeconds * 1000) };
  const names = reconciledJobs();
  // One after another, on the pool (plain reads): the sweep's transaction only holds its lock.
  const owed: { name: JobName; payload: unknown; version?: number; availableAt?: Date }[] = [];
  for (const name of names) {
    for (const work of (await jobDefinition(name).owedWork?.(deps, systemActor, query)) ?? []) {
      const payload: unknown = work.payload;
      owed.push({ name, payload, version: work.version, availableAt: work.availableAt });
    }
  }
  // Rows first, then Redis: a row published in between has its job in Redis by then.
  const onTheirWay = new Set(
    (await listOwedOutbox(trx)).map((row) => workKey(row.topic, row.payload)),
  );
  const queues = [...new Set(names.map((name) => jobDefinition(name).queue))] as QueueName[];
  const live = await listLiveWork(deps.queues, queues);
  return owed
    .filter(({ name, payload }) => {
      const key = workKey(name, payload);
      return !live.has(key) && !onTheirWay.has(key);
    })
    .map(({ name, payload, version, availableAt }) =>
      owedJob(jobDefinition(name), payload, { version, availableAt, reowedBySweep: sweepId }),
    );
}

/** Re-owes missing work. */
export async function reconcileOwedWork(
  deps: SweepDeps,
  options: RecoverySweepOptions = {},
): Promise<RecoverySweepOutcome> {
  return deps.db.transaction(async (trx) => {
    if (!(await tryLockRecoverySweep(trx, options.waitForLock ?? false))) return { swept: false };
    const sweepId = deps.clock.now().getTime().toString(36);
    const grace = options.graceSeconds ?? deps.config.recovery.graceSeconds;
    const missing = await findMissingWork(trx, deps, sweepId, grace);
    await oweAll(trx, missing);
    const reowed: Partial<Record<JobName, number>> = {};
    for (const job of missing) {
      const name = job.topic as JobName;
      reowed[name] = (reowed[name] ?? 0) + 1;
    }
    return { swept: true, reowed };
  });
}
