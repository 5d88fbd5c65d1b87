/**
 * The persistence side of the matching engine: driver reservation, offers and the drivers an
 * order must not be offered to again. Every write here runs inside the caller's transaction.
 */
import { searchContinuesFrom } from '../../lib/dispatch/dispatch-policy.js';
import type { Db } from '../database.js';
import { OfferModel } from '../models/models.js';

export type OfferRow = OfferModel;
export type OfferStatus = OfferModel['status'];
export type ExclusionReason = 'declined' | 'expired' | 'withdrew';

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

export async function findOfferById(db: Db, id: number): Promise<OfferRow | undefined> {
  return OfferModel.query(db).findById(id);
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

export async function listExcludedDriverIds(db: Db, orderId: string): Promise<number[]> {
  return db('order_excluded_drivers').where('order_id', orderId).pluck('driver_id') as Promise<
    number[]
  >;
}

/** Records that this order must not be offered to this driver again (first reason wins). */
export async function excludeDriver(
  db: Db,
  orderId: string,
  driverId: number,
  reason: ExclusionReason,
): Promise<void> {
  await db('order_excluded_drivers')
    .insert({ order_id: orderId, driver_id: driverId, reason })
    .onConflict(['order_id', 'driver_id'])
    .ignore();
}

/** Frees a driver held by an offer (online_idle, or offline if they went offline meanwhile). */
export async function releaseOfferedDriver(db: Db, driverId: number): Promise<void> {
  await db('drivers')
    .where({ id: driverId, status: 'offered' })
    .update({
      status: db.raw(`CASE WHEN is_online THEN 'online_idle' ELSE 'offline' END`),
      updated_at: db.fn.now(),
    });
}

/**
 * When the order's current search began: its latest entry into matching from anywhere but
 * an offer (a declined or expired offer continues the same search). As SQL over an order id
 * expression, so one order (below) and a whole batch round (listWaitingOrders) share it.
 */
export const searchStartedAtSql = (orderIdSql: string): string =>
  `(SELECT max(e.created_at) FROM order_events e
     WHERE e.order_id = ${orderIdSql} AND e.to_status = 'matching'
       AND e.from_status IS DISTINCT FROM '${searchContinuesFrom}')`;

export async function findSearchStartedAt(db: Db, orderId: string): Promise<Date | null> {
  const result = await db.raw<{ rows: { at: Date | null }[] }>(
    `SELECT ${searchStartedAtSql('?')} AS at`,
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

export interface DriverDayCounts {
  driver_id: number;
  offers: number;
  accepted: number;
  declined: number;
  expired: number;
  /** Orders assigned to the driver that day which they kept (not withdrawn or re-dispatched). */
  trips: number;
}

/**
 * What fairness is measured with, per driver, for the service's local day containing `now`:
 * offers made, accepted, declined and expired (the offers table), and trips (orders assigned
 * that day that the driver still holds or finished, as the ranking counts them).
 */
export async function listDriverDayCounts(
  db: Db,
  now: Date,
  timeZone: string,
): Promise<DriverDayCounts[]> {
  const result = await db.raw<{ rows: DriverDayCounts[] }>(
    `WITH day AS (
       SELECT date_trunc('day', :now::timestamptz AT TIME ZONE :tz) AT TIME ZONE :tz AS day_start,
              (date_trunc('day', :now::timestamptz AT TIME ZONE :tz) + interval '1 day') AT TIME ZONE :tz AS day_end
     ), offer_counts AS (
       SELECT f.driver_id, count(*)::int AS offers,
              (count(*) FILTER (WHERE f.status = 'accepted'))::int AS accepted,
              (count(*) FILTER (WHERE f.status = 'declined'))::int AS declined,
              (count(*) FILTER (WHERE f.status = 'expired'))::int AS expired
         FROM offers f, day WHERE f.created_at >= day.day_start AND f.created_at < day.day_end
        GROUP BY f.driver_id
     ), trip_counts AS (
       SELECT o.driver_id, count(*)::int AS trips
         FROM orders o, day
        WHERE o.driver_id IS NOT NULL AND o.assigned_at >= day.day_start
          AND o.assigned_at < day.day_end
          AND o.status IN ('assigned', 'driver_en_route', 'arrived_waiting', 'ride_ongoing',
                           'incident', 'completed', 'no_show')
        GROUP BY o.driver_id
     )
     SELECT coalesce(f.driver_id, t.driver_id) AS driver_id,
            coalesce(f.offers, 0) AS offers, coalesce(f.accepted, 0) AS accepted,
            coalesce(f.declined, 0) AS declined, coalesce(f.expired, 0) AS expired,
            coalesce(t.trips, 0) AS trips
       FROM offer_counts f FULL JOIN trip_counts t ON t.driver_id = f.driver_id
      ORDER BY 1`,
    { now: now.toISOString(), tz: timeZone },
  );
  return result.rows;
}
