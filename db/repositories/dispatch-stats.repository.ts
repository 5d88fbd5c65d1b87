/** Aggregate dispatch figures for metrics: offers by status, time to first assignment. */
import type { Db } from '../database.js';

export async function countOffersByStatus(db: Db): Promise<Record<string, number>> {
  const rows: unknown = await db.raw(
    'SELECT status, count(*)::int AS n FROM offers GROUP BY status',
  );
  const list = (rows as { rows: { status: string; n: number }[] }).rows;
  return Object.fromEntries(list.map((row) => [row.status, row.n]));
}

export interface TimeToAssignmentStats {
  buckets: { le: string; count: number }[];
  count: number;
  sumSeconds: number;
}

/**
 * A cumulative histogram over every order ever assigned: seconds from its first `matching`
 * event (or its creation, when it never waited in matching) to its first `assigned` event.
 */
export async function countTimeToAssignment(
  db: Db,
  bucketsSeconds: number[],
): Promise<TimeToAssignmentStats> {
  const bucketColumns = bucketsSeconds
    .map((le, i) => `count(*) FILTER (WHERE seconds <= ${Number(le)}) AS b${i}`)
    .join(', ');
  const result: unknown = await db.raw(`
    WITH assigned AS (
      SELECT order_id, min(created_at) AS at FROM order_events
      WHERE to_status = 'assigned' GROUP BY order_id
    ), matching AS (
      SELECT e.order_id, min(e.created_at) AS at FROM order_events e
      JOIN assigned a ON a.order_id = e.order_id
      WHERE e.to_status = 'matching' GROUP BY e.order_id
    ), durations AS (
      SELECT greatest(0, extract(epoch FROM a.at - coalesce(m.at, o.created_at))) AS seconds
      FROM assigned a JOIN orders o ON o.id = a.order_id
      LEFT JOIN matching m ON m.order_id = a.order_id
    )
    SELECT count(*) AS n, coalesce(sum(seconds), 0) AS total, ${bucketColumns} FROM durations`);
  const row = (result as { rows: Record<string, string | number>[] }).rows[0] ?? {};
  return {
    buckets: bucketsSeconds.map((le, i) => ({ le: String(le), count: Number(row[`b${i}`] ?? 0) })),
    count: Number(row.n ?? 0),
    sumSeconds: Number(row.total ?? 0),
  };
}
