/**
 * The offers table: the engine's offer writes (insert, lock, close), the reads the Offer view
 * needs, and closing an order's open offer from the order's side when the order moves on
 * without it (cancelled, manually assigned, sent back by staff). Every write here runs inside
 * the caller's transaction.
 */
import type { Db } from '../database.js';
import { releaseOfferedDriver } from './matching.repository.js';
import { OfferModel } from '../models/models.js';

export type OfferRow = OfferModel;
export type OfferStatus = OfferModel['status'];

export interface OfferInsert {
  order_id: string;
  driver_id: number;
  expires_at: Date;
  distance_m: number | null;
  score: number | null;
  rank: number | null;
  /** The service clock's time of the offer (the database's own clock when absent). */
  created_at?: Date;
}

export async function insertOffer(db: Db, offer: OfferInsert): Promise<OfferRow> {
  // INSERT … RETURNING: one round trip, where insertAndFetch makes two.
  return OfferModel.query(db)
    .insert({ ...offer, status: 'pending' })
    .returning('*');
}

/** Reads the offer and locks its row until the transaction ends. */
export async function lockOffer(db: Db, id: number): Promise<OfferRow | undefined> {
  return OfferModel.query(db).findById(id).forUpdate();
}

/** The offer with its order and the order's passenger, as the Offer view needs. */
export async function findOfferWithOrder(db: Db, id: number): Promise<OfferRow | undefined> {
  return OfferModel.query(db).findById(id).withGraphFetched('order.passenger');
}

export async function listPendingOffersWithOrder(db: Db, driverId: number): Promise<OfferRow[]> {
  return OfferModel.query(db)
    .where({ driver_id: driverId, status: 'pending' })
    .orderBy('id')
    .withGraphFetched('order.passenger');
}

/** Closes a pending offer; returns false when it was no longer pending. */
export async function closeOffer(
  db: Db,
  id: number,
  status: Exclude<OfferStatus, 'pending'>,
  reason: string | null,
): Promise<boolean> {
  const count = await db('offers')
    .where({ id, status: 'pending' })
    .update({ status, reason, responded_at: db.fn.now() });
  return count === 1;
}

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
  await releaseOfferedDriver(db, closed.driver_id, now);
  return { offerId: closed.id, driverId: closed.driver_id };
}
