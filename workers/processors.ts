/**
 * Starts one BullMQ Worker per queue this process consumes, running each job's processor from
 * the registry (lib/jobs/registry.ts) within the job's time budget. Start-up fails when a
 * consumed job has no processor, so a job can never sit in Redis with nobody to run it.
 *
 * "Not yet" (RetryLaterError, e.g. no driver free) is not a failure: the job is moved back to
 * the delayed set for the job's `retryLaterMs` and no attempt is used, so failed counts and
 * Bull Board show real faults only.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import * as yup from 'yup';
import type { AppDeps } from '../lib/deps.js';
import { jobBackoffStrategy } from '../lib/jobs/backoff.js';
import type { JobContext } from '../lib/jobs/job-definition.js';
import {
  isJobName,
  jobDefinition,
  jobNames,
  jobRegistry,
  parseJobPayload,
  type JobName,
  type JobPayload,
} from '../lib/jobs/registry.js';
import { runWithRequestId } from '../lib/logger/request-scope.js';
import { withTimeout } from '../lib/process/with-timeout.js';
import { splitJobEnvelope } from '../lib/queue/job-envelope.js';
import type { QueueName } from '../lib/queue/queue-names.js';
import {
  queueWorkerOptions,
  workerRunRetryDelayMs,
  type QueueWorkerOptions,
} from '../lib/queue/queue-options.js';
import { bullOptions, releaseBullConnection } from '../lib/queue/queues.js';
import { isRetryLater } from '../lib/queue/retry-later.js';

export type Processor<N extends JobName> = (
  payload: JobPayload<N>,
  context: JobContext,
) => Promise<unknown>;

export type Processors = { [N in JobName]?: Processor<N> };

/** Every job's own processor, from the registry. */
export const registryProcessors = (): Processors =>
  Object.fromEntries(jobNames.map((name) => [name, jobRegistry[name].processor]));

export type { QueueWorkerOptions };

/**
 * Workers for `queues`, each run with the queue's options from lib/queue/queue-options.ts;
 * `options` overrides single fields of them (tests).
 */
export function startQueueWorkers(
  deps: AppDeps,
  queues: QueueName[],
  processors: Processors = registryProcessors(),
  options: Partial<Record<QueueName, QueueWorkerOptions>> = {},
): Worker[] {
  const missing = jobNames.filter(
    (name) => queues.includes(jobRegistry[name].queue) && !processors[name],
  );
  if (missing.length > 0) throw new Error(`no processor for jobs: ${missing.join(', ')}`);

  return queues.map((queue) => {
    const queueOptions: QueueWorkerOptions = {
      ...queueWorkerOptions(deps.config)[queue],
      ...options[queue],
    };
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job ${job.name}`);
        const name = job.name;
        const definition = jobDefinition(name);
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
        const timeoutMs = queueOptions.timeoutMs ?? definition.timeoutMs(deps.config);
        try {
          // Outbox rows and jobs this job writes carry the same request id onwards.
          return await runWithRequestId(envelope.requestId, () =>
            withTimeout(timeoutMs, `job ${name}`, (signal) =>
              processor(payload, { job, signal, deps, log }),
            ),
          );
        } catch (e: unknown) {
          if (!isRetryLater(e) || !token) throw e;
          const waitMs = definition.retryLaterMs?.(deps.config) ?? 1000;
          log.debug({ waitMs, reason: e.message }, 'job waits');
          await job.moveToDelayed(Date.now() + waitMs, token);
          throw new DelayedError();
        }
      },
      {
        ...bullOptions(deps.config.redis, queue),
        concurrency: queueOptions.concurrency ?? 4,
        ...(queueOptions.lockMs
          ? { lockDuration: queueOptions.lockMs, stalledInterval: queueOptions.lockMs }
          : {}),
        // Back at work within a second of Redis returning (BullMQ's default waits 15 s).
        runRetryDelay: workerRunRetryDelayMs,
        settings: { backoffStrategy: jobBackoffStrategy },
        autorun: true,
      },
    );
    worker.on('failed', (job, err) => {
      const requestId = splitJobEnvelope(job?.data).requestId;
      const fields = { queue, job: job?.name, jobId: job?.id, requestId, err: err.message };
      deps.logger.warn(fields, 'job failed');
    });
    worker.on('error', (err) => deps.logger.error({ queue, err: err.message }, 'worker error'));
    worker.once('closed', () => releaseBullConnection(worker.opts.connection));
    return worker;
  });
}
