/** Aggregate dispatch figures for metrics and the quality report: offers by status, time to assignment. */
import type { Db } from '../database.js';

export async function countOffersByStatus(db: Db): Promise<Record<string, number>> {
  const rows: unknown = await db.raw(
    'SELECT status, count(*)::int AS n FROM offers GROUP BY status',
  );
  const list = (rows as { rows: { status: string; n: number }[] }).rows;
  return Object.fromEntries(list.map((row) => [row.status, row.n]));
}

/**
 * THE rule for time to assignment, as SQL over an order row `o` and its first `assigned`
 * event `a`: seconds from the order's first `matching` event before that assignment (or its
 * creation, when it never waited in matching) to the assignment. The /metrics histogram and
 * the quality report both use it.
 */
export const secondsToAssignmentSql = (o: string, a: string) => `greatest(0, extract(epoch FROM
  ${a}.created_at - coalesce((SELECT min(m.created_at) FROM order_events m
                               WHERE m.order_id = ${o}.id AND m.to_status = 'matching'
                                 AND m.id < ${a}.id), ${o}.created_at)))::float8`;

export interface AssignmentBatchQuery {
  /** Order events with an id above this were not read yet. */
  afterEventId: number;
  /** At most this many events per call: the bound on one scrape's work. */
  limit: number;
  /**
   * Events younger than this are left for a later call: event ids come from a sequence drawn
   * inside transactions, so a lower id may still commit after a higher one; an id drawn this
   * long ago by a transaction still open is not expected.
   */
  settleSeconds: number;
}

export interface AssignmentBatch {
  /** The watermark to pass next time (unchanged when nothing settled). */
  lastEventId: number;
  /** Seconds to assignment of each order first assigned in this batch. */
  secondsToAssignment: number[];
}

/** The SQL of one batch, exported so a test can EXPLAIN exactly what a scrape runs. */
export const assignmentBatchSql = `
  WITH batch AS (
    SELECT id, order_id, to_status, created_at FROM order_events
     WHERE id > :afterEventId ORDER BY id LIMIT :limit
  ), settled AS (
    SELECT * FROM batch
     WHERE id < coalesce((SELECT min(id) FROM batch
                           WHERE created_at > now() - make_interval(secs => :settleSeconds)),
                         9223372036854775807)
  ), firsts AS (
    SELECT ${secondsToAssignmentSql('o', 's')} AS seconds
      FROM settled s JOIN orders o ON o.id = s.order_id
     WHERE s.to_status = 'assigned'
       AND NOT EXISTS (SELECT 1 FROM order_events p WHERE p.order_id = s.order_id
                          AND p.to_status = 'assigned' AND p.id < s.id)
  )
  SELECT (SELECT max(id) FROM settled) AS last_id,
         coalesce((SELECT json_agg(seconds) FROM firsts), '[]'::json) AS seconds`;

/**
 * The orders first assigned among the next settled order events after a watermark, so a
 * scrape reads only what happened since the last one (by the primary key), never the history.
 */
export async function readFirstAssignmentsAfter(
  db: Db,
  query: AssignmentBatchQuery,
): Promise<AssignmentBatch> {
  const result = await db.raw<{ rows: { last_id: string | null; seconds: number[] }[] }>(
    assignmentBatchSql,
    { ...query },
  );
  const row = result.rows[0];
  return {
    lastEventId:
      row?.last_id === null || row === undefined ? query.afterEventId : Number(row.last_id),
    secondsToAssignment: row?.seconds ?? [],
  };
}
