/**
 * `dispatch.match-order`: one engine run for the order. "No driver yet" re-schedules the job
 * (a delayed job, no attempt used) until the search deadline, when the engine hands the order
 * to a dispatcher; attempts count real faults only, and the last one also hands it over.
 */
import * as yup from 'yup';
import { systemActor } from '../auth/actor.js';
import { listOwedDispatches } from '../dispatch/dispatch-owed.js';
import { retryLaterDelayMs } from '../dispatch/dispatch-policy.js';
import { matchOrder } from '../dispatch/match-order.js';
import { queueNames } from '../queue/queue-names.js';
import { defineJob } from './job-definition.js';
import { orderIdField } from './payload-fields.js';

export const matchOrderJob = defineJob({
  name: 'dispatch.match-order',
  queue: queueNames.dispatch,
  schema: yup.object({ order_id: orderIdField() }).noUnknown().strict(),
  // One job per entry into matching (or active_queue): the order version tells entries apart,
  // so a relay publishing twice yields one job and a later return to matching a fresh one.
  jobId: (payload, { version }) => {
    if (version === undefined) throw new Error('a match job id needs the order version');
    return `match-${payload.order_id}-v${version}`;
  },
  // Real faults (a lost connection, a lock wait past the time budget) retry about every second
  // for a minute or two; the recovery sweep re-owes the order should even that run out.
  retry: () => ({ attempts: 30, backoff: { type: 'fixed', delay: 1000, jitter: 0.5 } }),
  timeoutMs: (config) => config.dispatch.jobTimeoutMs,
  // Jittered, so orders that found nobody at the same moment do not all search again together.
  retryLaterMs: (config) => retryLaterDelayMs(config.dispatch.retryBackoffMs, Math.random()),
  processor: (payload, { job, signal, deps }) =>
    matchOrder(deps, systemActor, {
      orderId: payload.order_id,
      signal,
      isFinalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
    }),
  owedWork: async (deps, actor, input) =>
    (await listOwedDispatches(deps, actor, input)).map((owed) => ({
      payload: { order_id: owed.orderId },
      version: owed.version,
      availableAt: owed.dueAt,
    })),
});
