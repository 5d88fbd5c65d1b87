/**
 * What a job is, in one module per job (lib/jobs/*.job.ts): its name, queue, payload schema,
 * job-id rule, retry and time budgets, optional schedule, and its processor. The registry
 * (lib/jobs/registry.ts) lists them; the outbox producer (`owe`), the relay, the workers,
 * the schedules and the recovery sweeper all read these fields and nothing else.
 *
 * NEVER RENAME a job once shipped: jobs already in Redis carry the name, and a renamed one
 * would be stranded with no processor.
 */
import type { BackoffOptions, Job } from 'bullmq';
import type * as yup from 'yup';
import type { SystemActor } from '../auth/actor.js';
import type { Config } from '../config/config.js';
import type { AppDeps } from '../deps.js';
import type { Logger } from '../logger/logger.js';
import type { QueueName } from '../queue/queue-names.js';

export interface JobRetryPolicy {
  attempts: number;
  backoff: BackoffOptions;
}

export interface JobContext {
  job: Job;
  /** Aborts when the job's time budget runs out. */
  signal: AbortSignal;
  deps: AppDeps;
  /** Logger for this job: queue, job name, job id and the causing request id. */
  log: Logger;
}

/** What the job id is derived from besides the payload (e.g. the order version). */
export interface JobIdParts {
  version?: number;
}

export interface JobDefinition<
  N extends string = string,
  S extends yup.AnyObjectSchema = yup.AnyObjectSchema,
> {
  name: N;
  queue: QueueName;
  /** Ids only; strict and without unknown keys. Checked when owed and again when run. */
  schema: S;
  /**
   * A deterministic BullMQ job id, so a row relayed twice yields one job; null = one job per
   * outbox row. A re-owed job (the recovery sweeper) gets a suffix on top, so an old completed
   * or failed job with this id can never block it.
   */
  jobId: ((payload: yup.InferType<S>, parts: JobIdParts) => string) | null;
  /** Tries on real faults (a lost connection, a timeout) and the wait between them. */
  retry: (config: Config) => JobRetryPolicy;
  /** Time budget of one run; past it the job's signal aborts and the run fails. */
  timeoutMs: (config: Config) => number | null;
  /**
   * When the processor says "not yet" (RetryLaterError: no driver free), how long until the
   * job runs again. Re-scheduled as a delayed job: it is not a failure and uses no attempt.
   */
  retryLaterMs?: (config: Config) => number;
  /**
   * A repeatable job: one BullMQ Job Scheduler with this job's name as its id; null = not
   * under this configuration (its scheduler is removed).
   */
  schedule?: (config: Config) => { everyMs: number; payload: yup.InferType<S> } | null;
  processor: (payload: yup.InferType<S>, context: JobContext) => Promise<unknown>;
  /**
   * Every job that PostgreSQL says is owed now (orders searching, offers pending, messages
   * unsent). The recovery sweeper re-owes each one that has no live job in Redis, so work lost
   * with Redis (a wipe, a failover) is found again. Jobs whose loss costs nothing omit it.
   * Shaped like a use case; it asks one in lib/<domain>/ and maps its answer to payloads.
   */
  owedWork?: (
    deps: OwedWorkDeps,
    actor: SystemActor,
    input: OwedWorkQuery,
  ) => Promise<OwedWork<yup.InferType<S>>[]>;
}

/** One job that a state in PostgreSQL owes (what the recovery sweeper re-owes when missing). */
export interface OwedWork<P> extends JobIdParts {
  payload: P;
  availableAt?: Date;
}

export type OwedWorkDeps = Pick<AppDeps, 'db' | 'config'>;

export interface OwedWorkQuery {
  /** The sweep's one "now", so every job's answer is read against the same instant. */
  now: Date;
  /** Only states older than this: younger ones may still be on their way through the relay. */
  changedBefore: Date;
}

/** Keeps the literal name and the schema's payload type of a job module. */
export const defineJob = <const N extends string, S extends yup.AnyObjectSchema>(
  definition: JobDefinition<N, S>,
): JobDefinition<N, S> => definition;
