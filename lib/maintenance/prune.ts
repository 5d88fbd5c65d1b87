/**
 * Housekeeping: deletes rows nothing will read again, so tables do not grow forever. Each table
 * is emptied in batches (one short statement each), so a large backlog never holds a long
 * transaction or many row locks. Safe to run at any time, twice, or cut short: every rule only
 * picks rows that can no longer take part in anything.
 */
import {
  deleteDeadSessions,
  deleteExpiredOtpCodes,
  deleteExpiredRefreshTokens,
  deleteFinishedSmsMessages,
} from '../../db/repositories/maintenance.repository.js';
import { deletePublishedOutboxRows } from '../../db/repositories/outbox.repository.js';
import type { SystemActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { finishedSmsStatuses } from '../sms/sms-status.js';

export const prunedTables = [
  'outbox_messages',
  'sms_messages',
  'otp_codes',
  'refresh_tokens',
  'auth_sessions',
] as const;

export type PrunedTable = (typeof prunedTables)[number];
export type PruneCounts = Record<PrunedTable, number>;

export type PruneDeps = Pick<AppDeps, 'db' | 'config' | 'clock'>;

export interface PruneInput {
  /** Stops between batches when aborted (the job's time budget); the rest waits for next run. */
  signal?: AbortSignal;
  batchSize?: number;
}

const hourMs = 3600_000;
/**
 * An expired code is worthless (no row reads the same as an expired one to verify-otp); a
 * day's margin only keeps recent rows visible when looking into a login problem.
 */
const otpKeepAfterExpiryMs = 24 * hourMs;

export async function pruneRowsPastRetention(
  deps: PruneDeps,
  _actor: SystemActor,
  input: PruneInput,
): Promise<PruneCounts> {
  const { db, config } = deps;
  const now = deps.clock.now().getTime();
  const before = (ms: number) => new Date(now - ms);
  // No access token issued before this instant is still valid: a session (and its refresh
  // tokens) that went out of use before it cannot authorise anything any more.
  const authCutoff = before(config.jwt.accessTtlSeconds * 1000);
  const steps: Record<PrunedTable, (limit: number) => Promise<number>> = {
    outbox_messages: (limit) =>
      deletePublishedOutboxRows(
        db.knex,
        before(config.maintenance.outboxRetentionHours * hourMs),
        limit,
      ),
    sms_messages: (limit) =>
      deleteFinishedSmsMessages(
        db.knex,
        finishedSmsStatuses,
        before(config.maintenance.smsRetentionDays * 24 * hourMs),
        limit,
      ),
    otp_codes: (limit) => deleteExpiredOtpCodes(db.knex, before(otpKeepAfterExpiryMs), limit),
    // Kept until the access-token lifetime has passed too, so that the session rule below can
    // still see the newest token of a session (see deleteDeadSessions).
    refresh_tokens: (limit) => deleteExpiredRefreshTokens(db.knex, authCutoff, limit),
    auth_sessions: (limit) => deleteDeadSessions(db.knex, authCutoff, limit),
  };
  const counts = Object.fromEntries(prunedTables.map((t) => [t, 0])) as PruneCounts;
  for (const table of prunedTables) {
    counts[table] = await deleteInBatches(steps[table], input);
  }
  return counts;
}

async function deleteInBatches(
  deleteBatch: (limit: number) => Promise<number>,
  { signal, batchSize = 1000 }: PruneInput,
): Promise<number> {
  let total = 0;
  for (;;) {
    signal?.throwIfAborted();
    const deleted = await deleteBatch(batchSize);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
