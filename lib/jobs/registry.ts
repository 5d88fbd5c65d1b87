/**
 * The one registry of jobs: every job the system runs is a module in lib/jobs/ listed here.
 * To add a job: write `lib/jobs/<name>.job.ts` with `defineJob({...})` and add it below under
 * its name; the outbox producer, relay, workers, schedules and Bull Board pick it up from here.
 */
import type * as yup from 'yup';
import type { Config } from '../config/config.js';
import type { JobDefinition, JobRetryPolicy } from './job-definition.js';
import { batchRoundJob } from './batch-round.job.js';
import { expireOfferJob } from './expire-offer.job.js';
import { matchOrderJob } from './match-order.job.js';
import { offerChangedJob } from './offer-changed.job.js';
import { orderChangedJob } from './order-changed.job.js';
import { pruneJob } from './prune.job.js';
import { sendSmsJob } from './send-sms.job.js';

export const jobRegistry = {
  'dispatch.match-order': matchOrderJob,
  'dispatch.expire-offer': expireOfferJob,
  'dispatch.batch-round': batchRoundJob,
  'sms.send': sendSmsJob,
  'realtime.order-changed': orderChangedJob,
  'realtime.offer-changed': offerChangedJob,
  'maintenance.prune': pruneJob,
} as const;

export type JobRegistry = typeof jobRegistry;
export type JobName = keyof JobRegistry;
export type JobPayload<N extends JobName> = yup.InferType<JobRegistry[N]['schema']>;
/** Any job of the registry, its payload type erased (for code that handles every job alike). */
export type AnyJob = JobDefinition<JobName, yup.AnyObjectSchema>;

export const jobNames = Object.keys(jobRegistry) as JobName[];

export const isJobName = (name: string): name is JobName => Object.hasOwn(jobRegistry, name);

export const jobDefinition = (name: JobName): AnyJob => jobRegistry[name] as AnyJob;

for (const [name, job] of Object.entries(jobRegistry)) {
  if (job.name !== name) throw new Error(`job ${job.name} is registered as ${name}`);
}

/** Validates a payload (when owed, and when read from Redis); throws yup.ValidationError. */
export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return jobDefinition(name).schema.validateSync(data) as JobPayload<N>;
}

/** BullMQ options for each try of the job: its attempts and backoff. */
export function jobRetryOptions(name: JobName, config: Config): JobRetryPolicy {
  return jobDefinition(name).retry(config);
}
