/**
 * Queue health for the worker process: how many jobs sit in each state of each queue (read
 * from Redis at scrape time), and what the workers of this process did with the jobs they ran.
 */
import type { Job, Worker } from 'bullmq';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../logger/logger.js';
import type { Queues } from '../queue/queues.js';

export const queueStates = [
  'wait',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;

export function registerQueueDepths(registry: Registry, queues: Queues, logger?: Logger): void {
  new Gauge({
    name: 'invo_queue_jobs',
    help: 'Jobs in each queue by state (completed and failed are the retained history)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of Object.values(queues)) {
        try {
          const counts = await queue.getJobCounts(...queueStates);
          for (const state of queueStates)
            this.set({ queue: queue.name, state }, counts[state] ?? 0);
        } catch (e: unknown) {
          logger?.warn({ err: e, queue: queue.name }, 'queue depth unavailable');
        }
      }
    },
  });
}

export interface JobMetrics {
  /** Counts each job this worker completes or fails, and how long it ran. */
  observeWorker(worker: Worker): void;
}

export function createJobMetrics(registry: Registry): JobMetrics {
  const outcomes = new Counter({
    name: 'invo_jobs_total',
    help: 'Jobs finished by this process, by queue, job name and outcome (completed, failed)',
    labelNames: ['queue', 'job', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'invo_job_duration_seconds',
    help: 'Time a job ran in this process, by queue and job name',
    labelNames: ['queue', 'job'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const record = (queue: string, job: Job | undefined, outcome: 'completed' | 'failed') => {
    const name = job?.name ?? 'unknown';
    outcomes.inc({ queue, job: name, outcome });
    if (job?.processedOn && job.finishedOn) {
      duration.observe({ queue, job: name }, (job.finishedOn - job.processedOn) / 1000);
    }
  };
  return {
    observeWorker(worker) {
      worker.on('completed', (job) => record(worker.name, job, 'completed'));
      worker.on('failed', (job) => record(worker.name, job, 'failed'));
    },
  };
}
