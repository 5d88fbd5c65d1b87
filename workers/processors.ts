/**
 * Wires each job of the catalogue to its processor and starts one BullMQ Worker per queue
 * this process consumes. Start-up fails when a consumed job has no processor, so a job can
 * never sit in Redis with nobody to run it.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import * as yup from 'yup';
import type { AppDeps } from '../lib/deps.js';
import { isRetryLater } from '../lib/queue/retry-later.js';
import type { Logger } from '../lib/logger/logger.js';
import { runWithRequestId } from '../lib/logger/request-scope.js';
import { splitJobEnvelope } from '../lib/queue/job-envelope.js';
import {
  isJobName,
  jobNames,
  jobQueue,
  parseJobPayload,
  type JobName,
  type JobPayload,
  type QueueName,
} from '../lib/queue/catalogue.js';
import { bullConnection, bullPrefix } from '../lib/queue/queues.js';

export type Processor<N extends JobName> = (
  payload: JobPayload<N>,
  context: {
    job: Job;
    signal: AbortSignal;
    deps: AppDeps;
    /** Logger for this job: queue, job name, job id and the causing request id. */
    log: Logger;
  },
) => Promise<unknown>;

export type Processors = { [N in JobName]?: Processor<N> };

export interface QueueWorkerOptions {
  concurrency?: number;
  /** Per-job time budget; past it the job's signal aborts and the job fails (and retries). */
  timeoutMs?: number;
  /** BullMQ lock (and stalled-check interval): how soon a crashed worker's job is taken over. */
  lockMs?: number;
}

async function runWithBudget<T>(
  timeoutMs: number | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  if (!timeoutMs) return work(controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`job exceeded its ${timeoutMs} ms budget`));
      reject(new Error(`job exceeded its ${timeoutMs} ms budget`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function startQueueWorkers(
  deps: AppDeps,
  queues: QueueName[],
  processors: Processors,
  options: Partial<Record<QueueName, QueueWorkerOptions>> = {},
): Worker[] {
  const missing = jobNames.filter((name) => queues.includes(jobQueue[name]) && !processors[name]);
  if (missing.length > 0) throw new Error(`no processor for jobs: ${missing.join(', ')}`);

  return queues.map((queue) => {
    const queueOptions = options[queue] ?? {};
    const worker = new Worker(
      queue,
      async (job: Job) => {
        if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job ${job.name}`);
        const name = job.name;
        const envelope = splitJobEnvelope(job.data);
        const log = deps.logger.child({
          queue,
          job: name,
          jobId: job.id,
          ...(envelope.requestId ? { requestId: envelope.requestId } : {}),
        });
        let payload: JobPayload<typeof name>;
        try {
          payload = parseJobPayload(name, envelope.payload);
        } catch (e: unknown) {
          if (e instanceof yup.ValidationError)
            throw new UnrecoverableError(`bad payload: ${e.message}`);
          throw e;
        }
        const processor = processors[name] as Processor<typeof name>;
        // Outbox rows and jobs this job writes carry the same request id onwards.
        return runWithRequestId(envelope.requestId, () =>
          runWithBudget(queueOptions.timeoutMs, (signal) =>
            processor(payload, { job, signal, deps, log }),
          ),
        );
      },
      {
        connection: bullConnection(deps.config.redis),
        prefix: bullPrefix(deps.config.redis),
        concurrency: queueOptions.concurrency ?? 4,
        ...(queueOptions.lockMs
          ? { lockDuration: queueOptions.lockMs, stalledInterval: queueOptions.lockMs }
          : {}),
        autorun: true,
      },
    );
    worker.on('failed', (job, err) => {
      const requestId = splitJobEnvelope(job?.data).requestId;
      const fields = { queue, job: job?.name, jobId: job?.id, requestId, err: err.message };
      // "Not yet" (e.g. no driver free) is the normal way a search waits: keep it out of warnings.
      if (isRetryLater(err)) deps.logger.debug(fields, 'job will retry');
      else deps.logger.warn(fields, 'job failed');
    });
    worker.on('error', (err) => deps.logger.error({ queue, err: err.message }, 'worker error'));
    return worker;
  });
}
