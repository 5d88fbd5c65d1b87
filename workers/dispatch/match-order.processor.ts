/**
 * `dispatch.match-order`: one engine run for the order. "No driver yet" fails the job so
 * BullMQ retries it with the catalogue's backoff; the last try hands the order to a dispatcher.
 */
import { matchOrder } from '../../lib/dispatch/match-order.js';
import type { Processor } from '../processors.js';

export const matchOrderProcessor: Processor<'dispatch.match-order'> = async (
  payload,
  { job, signal, deps },
) => {
  const isFinalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  return matchOrder(deps, payload.order_id, { signal, isFinalAttempt });
};
