/**
 * The contract's Offer shape: what a driver sees of an order before accepting it. It names
 * the passenger and says what the trip needs (companion, wheelchair), never the passenger's
 * disability category, phone or other details.
 */
import type { Db } from '../../db/database.js';
import {
  findOfferWithOrder,
  listPendingOffersWithOrder,
  type OfferRow,
} from '../../db/repositories/offer.repository.js';
import type { UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';

export interface OfferView {
  id: number;
  order_id: string;
  driver_id: number;
  status: OfferRow['status'];
  created_at: string;
  expires_at: string;
  expires_in_seconds: number;
  distance_m: number | null;
  pickup_title: string | null;
  dropoff_title: string | null;
  pickup_lat: number | null;
  pickup_lon: number | null;
  dropoff_lat: number | null;
  dropoff_lon: number | null;
  desired_pickup_time: string | null;
  has_companion: boolean;
  needs_wheelchair_access: boolean;
  passenger: { id: number; full_name: string } | null;
}

/** Expects `order.passenger` fetched with the offer. */
export function toOfferView(offer: OfferRow, now: Date): OfferView {
  const order = offer.order;
  const passenger = order?.passenger;
  const remainingMs = offer.expires_at.getTime() - now.getTime();
  return {
    id: offer.id,
    order_id: offer.order_id,
    driver_id: offer.driver_id,
    status: offer.status,
    created_at: offer.created_at.toISOString(),
    expires_at: offer.expires_at.toISOString(),
    expires_in_seconds: offer.status === 'pending' ? Math.max(0, Math.ceil(remainingMs / 1000)) : 0,
    distance_m: offer.distance_m === null ? null : Math.round(offer.distance_m),
    pickup_title: order?.pickup_title ?? null,
    dropoff_title: order?.dropoff_title ?? null,
    pickup_lat: order?.pickup_lat ?? null,
    pickup_lon: order?.pickup_lon ?? null,
    dropoff_lat: order?.dropoff_lat ?? null,
    dropoff_lon: order?.dropoff_lon ?? null,
    desired_pickup_time: order?.desired_pickup_time?.toISOString() ?? null,
    has_companion: order?.has_companion ?? false,
    needs_wheelchair_access: order?.needs_wheelchair_access ?? false,
    passenger: passenger ? { id: passenger.id, full_name: passenger.full_name } : null,
  };
}

export async function loadOfferView(
  db: Db,
  offerId: number,
  now: Date = new Date(),
): Promise<OfferView | null> {
  const offer = await findOfferWithOrder(db, offerId);
  return offer ? toOfferView(offer, now) : null;
}

/** The calling driver's pending offers, oldest first (none for a driver without a profile). */
export async function listOwnPendingOffers(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  actor: UserActor,
): Promise<OfferView[]> {
  if (actor.driverId === null) return [];
  const offers = await listPendingOffersWithOrder(deps.db.knex, actor.driverId);
  const now = deps.clock.now();
  return offers.map((offer) => toOfferView(offer, now));
}
