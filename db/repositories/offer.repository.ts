/**
 * Offers seen from the order's side: closing the order's open offer when the order moves on
 * without it (cancelled, manually assigned, sent back by staff). The engine's own offer writes
 * live in matching.repository.ts.
 */
import type { Db } from '../database.js';

export interface ClosedOffer {
  offerId: number;
  driverId: number;
}

/**
 * Cancels the order's pending offer, if any, and frees the offered driver (online_idle, or
 * offline when they went offline meanwhile). Only a driver still `offered` is touched, so a
 * driver who already moved on keeps their status. Returns the closed offer or null.
 */
export async function cancelPendingOfferOfOrder(
  db: Db,
  orderId: string,
  reason: string,
  now: Date,
): Promise<ClosedOffer | null> {
  const rows: { id: number; driver_id: number }[] = await db('offers')
    .where({ order_id: orderId, status: 'pending' })
    .update({ status: 'cancelled', reason, responded_at: now })
    .returning(['id', 'driver_id']);
  const closed = rows[0];
  if (!closed) return null;
  await db('drivers')
    .where({ id: closed.driver_id, status: 'offered' })
    .update({
      status: db.raw(`CASE WHEN is_online THEN 'online_idle' ELSE 'offline' END`),
      updated_at: now,
    });
  return { offerId: closed.id, driverId: closed.driver_id };
}
