/**
 * The one catalogue of queues and jobs. Payloads are ids only, each with a yup schema whose
 * InferType is the payload type.
 *
 * NEVER RENAME a queue or a job once shipped: jobs already in Redis carry these names, and a
 * renamed one would be stranded with no processor.
 */
import type { BackoffOptions } from 'bullmq';
import * as yup from 'yup';
import type { Config } from '../config/config.js';

export const queueNames = {
  dispatch: 'dispatch',
  sms: 'sms',
  realtime: 'realtime',
  maintenance: 'maintenance',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

const orderIdSchema = yup
  .string()
  .matches(/^order_[0-9A-Z]{26}$/)
  .required();
const positiveId = () => yup.number().integer().positive().required();

export const jobSchemas = {
  /** Find a driver for the order and offer it (dispatch engine). */
  'dispatch.match-order': yup.object({ order_id: orderIdSchema }).noUnknown().strict(),
  /** One batch matching tick: a round per region group (DISPATCH_POLICY=batch; scheduled). */
  'dispatch.batch-round': yup.object({}).noUnknown().strict(),
  /** Close an offer that was not answered in time; a no-op when already answered. */
  'dispatch.expire-offer': yup.object({ offer_id: positiveId() }).noUnknown().strict(),
  /** Send one stored SMS message. */
  'sms.send': yup.object({ sms_message_id: positiveId() }).noUnknown().strict(),
  /** Fan an order change out to realtime clients. */
  'realtime.order-changed': yup
    .object({ order_id: orderIdSchema, version: positiveId() })
    .noUnknown()
    .strict(),
  /** Fan an offer change (new, closed) out to its driver. */
  'realtime.offer-changed': yup.object({ offer_id: positiveId() }).noUnknown().strict(),
  /** Delete rows past their retention (outbox, SMS, OTP, tokens, sessions); run on a schedule. */
  'maintenance.prune': yup.object({}).noUnknown().strict(),
} as const;

export type JobName = keyof typeof jobSchemas;
export type JobPayload<N extends JobName> = yup.InferType<(typeof jobSchemas)[N]>;

/** Which queue carries each job. */
export const jobQueue: Record<JobName, QueueName> = {
  'dispatch.match-order': queueNames.dispatch,
  'dispatch.batch-round': queueNames.dispatch,
  'dispatch.expire-offer': queueNames.dispatch,
  'sms.send': queueNames.sms,
  'realtime.order-changed': queueNames.realtime,
  'realtime.offer-changed': queueNames.realtime,
  'maintenance.prune': queueNames.maintenance,
};

export const jobNames = Object.keys(jobSchemas) as JobName[];

export const isJobName = (name: string): name is JobName => Object.hasOwn(jobSchemas, name);

/** Validates a payload read from Redis; throws yup.ValidationError when it does not fit. */
export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return jobSchemas[name].validateSync(data);
}

export interface JobRetryPolicy {
  attempts: number;
  backoff: BackoffOptions;
}

/**
 * How many times each job is tried and how BullMQ waits between tries, in one place, applied
 * by whatever enqueues the job (the outbox relay). Jobs not listed are tried once.
 */
export const jobRetryPolicies: { [N in JobName]?: (config: Config) => JobRetryPolicy } = {
  // Fan-outs are idempotent (version gate, publish-once keys): retry a lost connection at once,
  // a few times, since a realtime update that comes late is worth less every second.
  'realtime.order-changed': () => ({ attempts: 5, backoff: { type: 'exponential', delay: 200 } }),
  'realtime.offer-changed': () => ({ attempts: 5, backoff: { type: 'exponential', delay: 200 } }),
  // "No driver yet" is a retry: enough tries to keep searching past the give-up time (or the
  // pickup time of a pre-booked order), even with every wait at its jittered minimum. The
  // processor hands the order to a dispatcher on the last try, so it is never left behind.
  'dispatch.match-order': ({ dispatch }) => ({
    attempts:
      Math.ceil(
        (Math.max(dispatch.giveUpSeconds, dispatch.leadMinutes * 60) * 1000) /
          (dispatch.retryBackoffMs * 0.8),
      ) + 3,
    backoff: { type: 'fixed', delay: dispatch.retryBackoffMs, jitter: 0.2 },
  }),
  // Closing an expired offer only fails on a lost connection or a timeout: retry soon.
  'dispatch.expire-offer': () => ({
    attempts: 10,
    backoff: { type: 'exponential', delay: 500 },
  }),
  // A gateway hiccup (5xx, timeout) passes in seconds; give up after about 30 s, well within
  // the code's lifetime. A 4xx that cannot succeed stops at once (UnrecoverableError).
  'sms.send': () => ({ attempts: 5, backoff: { type: 'exponential', delay: 2000 } }),
  // A prune cut short (lost connection, time budget) is safe to run again; the next scheduled
  // run would catch up anyway, so a couple of spaced tries are enough.
  'maintenance.prune': () => ({ attempts: 3, backoff: { type: 'exponential', delay: 30_000 } }),
};

export function jobRetryOptions(name: JobName, config: Config): Partial<JobRetryPolicy> {
  return jobRetryPolicies[name]?.(config) ?? {};
}
