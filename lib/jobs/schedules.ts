/**
 * The repeatable jobs of the registry (those with a `schedule`). Every worker registers them
 * at start and again after a Redis wipe; BullMQ keeps one Job Scheduler per id, so any number
 * of workers (and restarts) still yield one run per period.
 *
 * NEVER RENAME a scheduled job: its scheduler id is the job's name, and a new id would add a
 * second schedule beside the old one instead of replacing it.
 */
import type { Config } from '../config/config.js';
import type { Queues } from '../queue/queues.js';
import { jobDefinition, jobNames, type JobName } from './registry.js';

export const scheduledJobNames = (): JobName[] =>
  jobNames.filter((name) => jobDefinition(name).schedule !== undefined);

export async function scheduleRepeatableJobs(queues: Queues, config: Config): Promise<JobName[]> {
  const names: JobName[] = [];
  for (const name of scheduledJobNames()) {
    const job = jobDefinition(name);
    const schedule = job.schedule!(config);
    if (schedule === null) {
      // Not under this configuration (e.g. batch rounds with DISPATCH_POLICY=ranked).
      await queues[job.queue].removeJobScheduler(name);
      continue;
    }
    names.push(name);
    // Upserting with the same interval keeps the pending run's time; a new interval (after a
    // config change) replaces it, the last worker to start deciding.
    await queues[job.queue].upsertJobScheduler(
      name,
      { every: schedule.everyMs },
      {
        name,
        data: job.schema.validateSync(schedule.payload) as Record<string, unknown>,
        opts: {
          ...job.retry(config),
          removeOnComplete: { count: 100 },
          removeOnFail: { count: 100 },
        },
      },
    );
  }
  return names;
}
