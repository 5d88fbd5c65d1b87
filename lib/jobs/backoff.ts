/** Backoff types our job definitions may name beyond BullMQ's own (fixed, exponential). */
import type { BackoffStrategy } from 'bullmq';
import { cappedExponentialRetryBackoff } from './realtime-delivery.js';

/** Longest wait between two tries of a job with the capped exponential retry backoff. */
export const backoffCapMs = 2000;

export const jobBackoffStrategy: BackoffStrategy = (attemptsMade, type, _err, job) => {
  if (type !== cappedExponentialRetryBackoff) return 0;
  const base =
    typeof job?.opts.backoff === 'object'
      ? (job.opts.backoff.delay ?? 200)
      : (job?.opts.backoff ?? 200);
  return Math.min(backoffCapMs, base * 2 ** Math.max(0, attemptsMade - 1));
};
