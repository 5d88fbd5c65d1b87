/**
 * Retry policy of the realtime fan-outs. They are idempotent (version gate, publish-once
 * keys), and a committed change must reach its clients however long PostgreSQL or Redis is
 * away: retry quickly at first, then every couple of seconds, practically for ever. A run
 * after a newer version went out publishes nothing (superseded), so nothing is sent twice.
 */
import type { JobRetryPolicy } from './job-definition.js';

/**
 * The BullMQ backoff type of a retry backoff that doubles from the job's `delay` up to a cap
 * (computed by the workers' backoff strategy, lib/jobs/backoff.ts). The string is stored in
 * queued jobs' options: keep it as it is.
 */
export const cappedExponentialRetryBackoff = 'capped-exponential';

export const realtimeDeliveryRetry = (): JobRetryPolicy => ({
  attempts: 1_000_000,
  backoff: { type: cappedExponentialRetryBackoff, delay: 200 },
});
