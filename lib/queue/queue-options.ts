/**
 * How the queues' jobs are kept and how each queue's workers run: the one place for queue and
 * worker options. The worker and realtime processes take these as they are; tests override
 * single fields through `startQueueWorkers`.
 */
import type { Config } from '../config/config.js';
import type { QueueName } from './queue-names.js';

export interface QueueWorkerOptions {
  concurrency?: number;
  /** Overrides the jobs' own time budgets (tests). */
  timeoutMs?: number;
  /** BullMQ lock (and stalled-check interval): how soon a crashed worker's job is taken over. */
  lockMs?: number;
}

/** Finished jobs kept for Bull Board and debugging; older ones are dropped as new ones finish. */
export const defaultJobOptions = {
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
};

/** How soon a worker whose Redis connection failed tries to fetch jobs again. */
export const workerRunRetryDelayMs = 1000;

/** Messages one worker process hands to the SMS gateway at once. */
const smsConcurrency = 4;

/** Each queue's workers (each job's time budget comes from its definition in lib/jobs). */
export function queueWorkerOptions(config: Config): Record<QueueName, QueueWorkerOptions> {
  return {
    dispatch: { concurrency: config.dispatch.workerConcurrency, lockMs: config.dispatch.lockMs },
    sms: { concurrency: smsConcurrency },
    realtime: { concurrency: config.realtime.workerConcurrency },
    // One run at a time per process.
    maintenance: { concurrency: 1 },
  };
}
