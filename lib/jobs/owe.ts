/**
 * The one producer of jobs: `owe` writes the outbox row that owes a job, inside the caller's
 * transaction, so the change and the work it owes commit or roll back together. The payload
 * is validated against the job's schema here, when it is written, not later in a worker. No
 * other code builds outbox rows.
 */
import type { Db } from '../../db/database.js';
import { insertOutboxMessages } from '../../db/repositories/outbox.repository.js';
import { currentRequestId } from '../logger/request-scope.js';
import type { JobDefinition, JobIdParts } from './job-definition.js';
import type * as yup from 'yup';

export interface OweOptions extends JobIdParts {
  /** When the job should run (default now); the relay publishes it at once, delayed. */
  availableAt?: Date;
  /**
   * The recovery sweep's id, set when it re-owes work whose job went missing: the job id gets
   * it as a suffix, so an old job under the usual id (completed, failed, or lost with Redis)
   * never blocks the new one.
   */
  reowedBySweep?: string;
}

/** One owed job, built and validated but not yet written (to batch several in one insert). */
export interface OwedJob {
  topic: string;
  payload: Record<string, unknown>;
  jobId: string | null;
  availableAt?: Date;
}

export function owedJob<S extends yup.AnyObjectSchema>(
  job: JobDefinition<string, S>,
  payload: yup.InferType<S>,
  options: OweOptions = {},
): OwedJob {
  const valid = job.schema.validateSync(payload) as Record<string, unknown>;
  const baseId = job.jobId ? job.jobId(payload, options) : null;
  const jobId = options.reowedBySweep ? `${baseId ?? job.name}~r${options.reowedBySweep}` : baseId;
  return { topic: job.name, payload: valid, jobId, availableAt: options.availableAt };
}

/**
 * Writes the outbox rows for the owed jobs in the caller's transaction, stamped with the
 * request (or job) in progress, so one id follows an action into every job it causes.
 */
export async function oweAll(trx: Db, owed: OwedJob[]): Promise<void> {
  const requestId = currentRequestId();
  await insertOutboxMessages(
    trx,
    owed.map((job) => ({ ...job, requestId })),
  );
}

export async function owe<S extends yup.AnyObjectSchema>(
  trx: Db,
  job: JobDefinition<string, S>,
  payload: yup.InferType<S>,
  options: OweOptions = {},
): Promise<void> {
  await oweAll(trx, [owedJob(job, payload, options)]);
}
