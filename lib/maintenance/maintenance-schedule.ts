/**
 * The housekeeping schedule. Every worker process registers it at start; BullMQ keeps one
 * Job Scheduler per id in Redis, so any number of workers (and restarts) still yield one
 * `maintenance.prune` job per period, taken by whichever worker is free.
 */
import type { Config } from '../config/config.js';
import { jobRetryOptions, type JobPayload } from '../queue/catalogue.js';
import type { Queues } from '../queue/queues.js';

/**
 * NEVER RENAME: the schedule lives in Redis under this id; a new id would add a second
 * schedule beside the old one instead of replacing it.
 */
export const pruneSchedulerId = 'maintenance.prune';

export async function scheduleMaintenance(
  queues: Pick<Queues, 'maintenance'>,
  config: Config,
): Promise<void> {
  const payload: JobPayload<'maintenance.prune'> = {};
  // Upserting with the same interval keeps the pending run's time; a new interval (after a
  // config change) replaces it, the last worker to start deciding.
  await queues.maintenance.upsertJobScheduler(
    pruneSchedulerId,
    { every: config.maintenance.intervalMinutes * 60_000 },
    {
      name: 'maintenance.prune',
      data: payload,
      opts: {
        ...jobRetryOptions('maintenance.prune', config),
        removeOnComplete: { count: 100 },
        removeOnFail: { count: 100 },
      },
    },
  );
}
