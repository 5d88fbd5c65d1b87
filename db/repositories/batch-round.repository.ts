/**
 * The persistence side of batch matching rounds: the round lock, the orders waiting in
 * `matching` and their exclusions, read once per round for all of its orders.
 */
import type { OrderStatus } from '../../lib/orders/order-status.js';
import type { Database, Db } from '../database.js';
import { OrderModel } from '../models/models.js';
import { searchStartedAtSql } from './matching.repository.js';
import type { OrderRow } from './order.repository.js';

export type RoundLockResult<T> = { locked: true; value: T } | { locked: false };

/**
 * Runs `work` while holding the PostgreSQL advisory lock of this round group, or returns
 * `{locked: false}` at once when another round (any worker, any machine) holds it. The lock
 * belongs to a transaction on its own connection: it ends with the work, and with the
 * connection when the process dies, so a crashed worker's group is free for the next tick.
 */
export async function withRoundLock<T>(
  db: Database,
  group: string,
  work: () => Promise<T>,
): Promise<RoundLockResult<T>> {
  return db.transaction(async (trx) => {
    const result = await trx.raw<{ rows: { locked: boolean }[] }>(
      `SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0)) AS locked`,
      [`dispatch.batch-round:${group}`],
    );
    if (!result.rows[0]?.locked) return { locked: false };
    return { locked: true, value: await work() };
  });
}

/** The regions that have orders waiting in `matching` (for the round groups of this tick). */
export async function listRegionsWithWaitingOrders(db: Db): Promise<string[]> {
  return db('orders').where({ status: 'matching' }).distinct('region_id').pluck('region_id');
}

export interface WaitingOrderRow extends OrderRow {
  /** When the current search began (see findSearchStartedAt); null if no event says so. */
  search_started_at: Date | null;
}

/**
 * Orders in `matching` of these regions (null: every region), longest-waiting first, with the
 * start of their current search, in ONE query.
 */
export async function listWaitingOrders(
  db: Db,
  regionIds: readonly string[] | null,
  limit: number,
  searchContinuesFrom: OrderStatus,
): Promise<WaitingOrderRow[]> {
  const startedAt = searchStartedAtSql('orders.id', searchContinuesFrom);
  const query = OrderModel.query(db)
    .where('orders.status', 'matching')
    .select('orders.*', db.raw(`${startedAt} AS search_started_at`))
    .orderBy([{ column: 'orders.created_at' }, { column: 'orders.id' }])
    .limit(limit);
  if (regionIds) void query.whereIn('orders.region_id', regionIds);
  return (await query) as WaitingOrderRow[];
}

/** Who each of these orders must not be offered to again (declined, missed, withdrew). */
export async function listExclusions(
  db: Db,
  orderIds: readonly string[],
): Promise<{ order_id: string; driver_id: number }[]> {
  if (orderIds.length === 0) return [];
  return db('order_excluded_drivers')
    .whereIn('order_id', orderIds)
    .select('order_id', 'driver_id') as Promise<{ order_id: string; driver_id: number }[]>;
}
