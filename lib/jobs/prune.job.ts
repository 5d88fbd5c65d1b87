/**
 * `maintenance.prune`: deletes rows past their retention, on a schedule. Every worker
 * registers the same one Job Scheduler (and again after a Redis wipe), so any number of
 * workers still yield one run per period.
 */
import * as yup from 'yup';
import { systemActor } from '../auth/actor.js';
import { pruneRowsPastRetention } from '../maintenance/prune.js';
import { queueNames } from '../queue/queue-names.js';
import { defineJob } from './job-definition.js';

export const pruneJob = defineJob({
  name: 'maintenance.prune',
  queue: queueNames.maintenance,
  schema: yup.object({}).noUnknown().strict(),
  jobId: null,
  // A prune cut short (lost connection, time budget) is safe to run again; the next scheduled
  // run would catch up anyway, so a couple of spaced tries are enough.
  retry: () => ({ attempts: 3, backoff: { type: 'exponential', delay: 30_000 } }),
  // Never outlasting its period (the rest waits for the next run).
  timeoutMs: (config) => config.maintenance.intervalMinutes * 60_000,
  schedule: (config) => ({ everyMs: config.maintenance.intervalMinutes * 60_000, payload: {} }),
  processor: async (_payload, { signal, deps, log }) => {
    const pruned = await pruneRowsPastRetention(deps, systemActor, { signal });
    log.info({ pruned }, 'maintenance prune done');
    return pruned;
  },
});
