/**
 * `dispatch.batch-round`: one batch matching tick (a round per region group, each under its
 * PostgreSQL advisory lock). Scheduled every DISPATCH_BATCH_WINDOW_MS while
 * DISPATCH_POLICY=batch; with `ranked` the schedule is removed and a tick left in Redis does
 * nothing. BullMQ adds the next tick when a worker takes the current one, so a worker that
 * dies mid-round stops nothing: another takes the next tick (the lock died with the dead
 * worker's connection). Tried once: the next tick, one window later, is the retry.
 */
import * as yup from 'yup';
import { systemActor } from '../auth/actor.js';
import { runBatchRounds } from '../dispatch/batch-round.js';
import { queueNames } from '../queue/queue-names.js';
import { defineJob } from './job-definition.js';

export const batchRoundJob = defineJob({
  name: 'dispatch.batch-round',
  queue: queueNames.dispatch,
  schema: yup.object({}).noUnknown().strict(),
  jobId: null,
  retry: () => ({ attempts: 1, backoff: { type: 'fixed', delay: 0 } }),
  timeoutMs: (config) => config.dispatch.jobTimeoutMs,
  schedule: (config) =>
    config.dispatch.policy === 'batch'
      ? { everyMs: config.dispatch.batchWindowMs, payload: {} }
      : null,
  processor: (_payload, { signal, deps }) => runBatchRounds(deps, systemActor, { signal }),
});
