/**
 * The transactional outbox: rows written with the change they announce, relayed to BullMQ.
 * Rows are built only by lib/jobs/owe.ts (validated against the job's schema).
 */
import type { Db } from '../database.js';

export interface OutboxInsert {
  topic: string;
  payload: Record<string, unknown>;
  /** A deterministic BullMQ job id (dedupes re-publication); default `outbox-{id}`. */
  jobId?: string | null;
  /** When the job should run; the relay publishes at once with the matching delay. */
  availableAt?: Date;
  /** The API request (or job) behind it, for tracing; lib/jobs/owe.ts passes the current one. */
  requestId?: string | null;
}

export interface OutboxRow {
  id: number;
  topic: string;
  payload: Record<string, unknown>;
  job_id: string | null;
  available_at: Date;
  attempts: number;
  request_id: string | null;
}

export async function insertOutboxMessages(db: Db, messages: OutboxInsert[]): Promise<void> {
  if (messages.length === 0) return;
  await db('outbox_messages').insert(
    messages.map((m) => ({
      topic: m.topic,
      payload: JSON.stringify(m.payload),
      job_id: m.jobId ?? null,
      available_at: m.availableAt ?? db.fn.now(),
      request_id: m.requestId ?? null,
    })),
  );
}

/** The claim of a batch of owed rows (locked for this relay; others skip them). */
export const claimOutboxQuery = (db: Db, limit: number) =>
  db('outbox_messages')
    .select('id', 'topic', 'payload', 'job_id', 'available_at', 'attempts', 'request_id')
    .whereNull('published_at')
    .whereNull('dead_lettered_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked();

/** Locks a batch of owed rows for this relay; others skip them (SKIP LOCKED). */
export async function claimUnpublishedOutbox(db: Db, limit: number): Promise<OutboxRow[]> {
  return claimOutboxQuery(db, limit) as Promise<OutboxRow[]>;
}

export const markPublishedQuery = (db: Db, ids: number[]) =>
  db('outbox_messages').whereIn('id', ids).update({ published_at: db.fn.now() });

export async function markOutboxPublished(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await markPublishedQuery(db, ids);
}

/**
 * Records a failed publication. `counts`: the failure was the row's own (Redis answered), so
 * it uses an attempt; at `maxAttempts`, or when `deadNow`, the row is dead-lettered.
 */
export interface OutboxFailureRule {
  counts: boolean;
  maxAttempts: number;
  deadNow?: boolean;
}

/** The UPDATE behind recordOutboxFailure (returns `dead_lettered_at`). */
export function outboxFailureQuery(db: Db, id: number, error: string, rule: OutboxFailureRule) {
  const attempts = rule.counts ? db.raw('attempts + 1') : db.raw('attempts');
  const dies = rule.deadNow
    ? db.raw('now()')
    : rule.counts
      ? db.raw('CASE WHEN attempts + 1 >= ? THEN now() END', [rule.maxAttempts])
      : null;
  return db('outbox_messages')
    .where({ id })
    .update({ attempts, last_error: error.slice(0, 500), dead_lettered_at: dies })
    .returning('dead_lettered_at');
}

export async function recordOutboxFailure(
  db: Db,
  id: number,
  error: string,
  rule: OutboxFailureRule,
): Promise<{ deadLettered: boolean }> {
  const rows = (await outboxFailureQuery(db, id, error, rule)) as {
    dead_lettered_at: Date | null;
  }[];
  return { deadLettered: Boolean(rows[0]?.dead_lettered_at) };
}

export async function countUnpublishedOutbox(db: Db): Promise<number> {
  const row = (await db('outbox_messages')
    .whereNull('published_at')
    .whereNull('dead_lettered_at')
    .count({ n: '*' })
    .first()) as { n: number } | undefined;
  return Number(row?.n ?? 0);
}

export async function countDeadLetteredOutbox(db: Db): Promise<number> {
  const row = (await db('outbox_messages')
    .whereNotNull('dead_lettered_at')
    .count({ n: '*' })
    .first()) as { n: number } | undefined;
  return Number(row?.n ?? 0);
}

export interface DeadLetterRow {
  id: number;
  topic: string;
  payload: Record<string, unknown>;
  job_id: string | null;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  dead_lettered_at: Date;
}

/** Dead-lettered rows, newest first. */
export async function listDeadLetteredOutbox(
  db: Db,
  page: { limit: number; offset: number },
): Promise<DeadLetterRow[]> {
  return db('outbox_messages')
    .select('id', 'topic', 'payload', 'job_id', 'attempts', 'last_error', 'created_at')
    .select('dead_lettered_at')
    .whereNotNull('dead_lettered_at')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset) as Promise<DeadLetterRow[]>;
}

/** Puts a dead-lettered row back in line with fresh attempts; false when it is not dead. */
export async function replayDeadLetteredOutbox(db: Db, id: number): Promise<boolean> {
  const count = await db('outbox_messages')
    .where({ id })
    .whereNotNull('dead_lettered_at')
    .update({ dead_lettered_at: null, attempts: 0 });
  return count > 0;
}

/**
 * Deletes up to `limit` published rows older than the cut-off, oldest first (walking the
 * primary key, where old rows sit at the start; `= any(array(…))` fetches them by key, not by
 * a scan). Call again until it returns less than `limit`.
 */
export async function deletePublishedOutboxRows(
  db: Db,
  publishedBefore: Date,
  limit: number,
): Promise<number> {
  return db('outbox_messages')
    .whereRaw('?? = any(array(?))', [
      'id',
      db('outbox_messages')
        .select('id')
        .whereNotNull('published_at')
        .where('published_at', '<', publishedBefore)
        .orderBy('id')
        .limit(limit),
    ])
    .delete();
}
