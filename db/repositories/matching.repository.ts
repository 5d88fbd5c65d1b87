/**
 * The persistence side of the matching engine apart from the offer rows (offer.repository.ts):
 * reserving and freeing a driver, the drivers an order must not be offered to again, when the
 * order's search began and what the ranking saw. Every write here runs inside the caller's
 * transaction.
 */
import type { OrderStatus } from '../../lib/orders/order-status.js';
import type { Db } from '../database.js';

/** Why a driver must not be offered an order again (order_excluded_drivers.reason). */
export type OrderExclusionReason = 'declined' | 'expired' | 'withdrew';

/**
 * Reserves a free, online driver for an offer. The conditional update is the reservation:
 * two workers racing for one driver cannot both see a row come back.
 */
export async function reserveDriver(db: Db, driverId: number): Promise<boolean> {
  const count = await db('drivers')
    .where({ id: driverId, status: 'online_idle', is_online: true, is_active: true })
    .update({ status: 'offered', updated_at: db.fn.now() });
  return count === 1;
}

/** Records that this order must not be offered to this driver again (first reason wins). */
export async function excludeDriver(
  db: Db,
  orderId: string,
  driverId: number,
  reason: OrderExclusionReason,
): Promise<void> {
  await db('order_excluded_drivers')
    .insert({ order_id: orderId, driver_id: driverId, reason })
    .onConflict(['order_id', 'driver_id'])
    .ignore();
}

/**
 * Frees a driver held by an offer (online_idle, or offline if they went offline meanwhile):
 * the one rule, for an answered or expired offer and for an order cancelled under its offer.
 */
export async function releaseOfferedDriver(db: Db, driverId: number, at?: Date): Promise<void> {
  await db('drivers')
    .where({ id: driverId, status: 'offered' })
    .update({
      status: db.raw(`CASE WHEN is_online THEN 'online_idle' ELSE 'offline' END`),
      updated_at: at ?? db.fn.now(),
    });
}

/**
 * When the order's current search began: its latest entry into matching from anywhere but
 * `continuesFrom` (the policy's `searchContinuesFrom`: a declined or expired offer continues
 * the same search). As SQL over an order id expression, so one order (below) and a whole
 * batch round (listWaitingOrders) share it.
 */
export function searchStartedAtSql(orderIdSql: string, continuesFrom: OrderStatus): string {
  // A status is a bare word; anything else would be SQL, not a status.
  if (!/^[a-z_]+$/.test(continuesFrom)) throw new Error(`not a status: ${continuesFrom}`);
  return `(SELECT max(e.created_at) FROM order_events e
     WHERE e.order_id = ${orderIdSql} AND e.to_status = 'matching'
       AND e.from_status IS DISTINCT FROM '${continuesFrom}')`;
}

export async function findSearchStartedAt(
  db: Db,
  orderId: string,
  continuesFrom: OrderStatus,
): Promise<Date | null> {
  const result = await db.raw<{ rows: { at: Date | null }[] }>(
    `SELECT ${searchStartedAtSql('?', continuesFrom)} AS at`,
    [orderId],
  );
  return result.rows[0]?.at ?? null;
}

/** The driver's trips today as the ranking saw them when the offer was made (its event). */
export async function findOfferedTripsToday(
  db: Db,
  orderId: string,
  offerId: number,
): Promise<number | undefined> {
  const row = (await db('order_events')
    .where({ order_id: orderId, to_status: 'offered' })
    .whereRaw(`(data->>'offer_id')::int = ?`, [offerId])
    .select(db.raw(`(data->>'trips_today')::int AS trips_today`))
    .first()) as { trips_today: number | null } | undefined;
  return row?.trips_today ?? undefined;
}
