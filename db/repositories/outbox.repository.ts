/** The transactional outbox: rows written with the change they announce, relayed to BullMQ. */
import type { Db } from '../database.js';
import { currentRequestId } from '../../lib/logger/request-scope.js';

export interface OutboxInsert {
  topic: string;
  payload: Record<string, unknown>;
  /** A deterministic BullMQ job id (dedupes re-publication); default `outbox-{id}`. */
  jobId?: string;
  /** When the job should run; the relay publishes at once with the matching delay. */
  availableAt?: Date;
  /** The API request behind it; defaults to the request (or job) in progress. */
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
  const requestId = currentRequestId();
  await db('outbox_messages').insert(
    messages.map((m) => ({
      topic: m.topic,
      payload: JSON.stringify(m.payload),
      job_id: m.jobId ?? null,
      available_at: m.availableAt ?? db.fn.now(),
      request_id: m.requestId === undefined ? requestId : m.requestId,
    })),
  );
}

/** Locks a batch of unpublished rows for this relay; others skip them (SKIP LOCKED). */
export async function claimUnpublishedOutbox(db: Db, limit: number): Promise<OutboxRow[]> {
  return db('outbox_messages')
    .select('id', 'topic', 'payload', 'job_id', 'available_at', 'attempts', 'request_id')
    .whereNull('published_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked() as Promise<OutboxRow[]>;
}

export async function markOutboxPublished(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db('outbox_messages').whereIn('id', ids).update({ published_at: db.fn.now() });
}

export async function recordOutboxFailure(db: Db, ids: number[], error: string): Promise<void> {
  if (ids.length === 0) return;
  await db('outbox_messages')
    .whereIn('id', ids)
    .update({ attempts: db.raw('attempts + 1'), last_error: error.slice(0, 500) });
}

export async function countUnpublishedOutbox(db: Db): Promise<number> {
  const row = (await db('outbox_messages').whereNull('published_at').count({ n: '*' }).first()) as
    { n: number } | undefined;
  return row?.n ?? 0;
}

/**
 * Deletes up to `limit` published rows older than the cut-off, oldest first (walking the
 * primary key, where old rows sit at the start; `= any(array(…))` fetches them by key, not by
 * a scan). Call again until it returns less than `limit`.
 */
export async function pruneOutbox(db: Db, publishedBefore: Date, limit: number): Promise<number> {
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
