/** The reads behind the realtime fan-out and socket authorization. */
import type { Db } from '../database.js';
import { OrderEventModel } from '../models/models.js';
import type { OrderEventRow } from './order.repository.js';

export interface OrderParties {
  id: string;
  passenger_id: number;
  driver_id: number | null;
}

export async function findOrderParties(db: Db, orderId: string): Promise<OrderParties | undefined> {
  return db('orders')
    .where('id', orderId)
    .first<OrderParties | undefined>('id', 'passenger_id', 'driver_id');
}

export async function hasPendingOffer(db: Db, orderId: string, driverId: number): Promise<boolean> {
  const row = await db('offers')
    .where({ order_id: orderId, driver_id: driverId, status: 'pending' })
    .first<{ id: number } | undefined>('id');
  return row !== undefined;
}

/** The order's events with a version in (afterVersion, upToVersion], oldest first. */
export async function listOrderEventsBetween(
  db: Db,
  orderId: string,
  afterVersion: number,
  upToVersion: number,
): Promise<OrderEventRow[]> {
  return OrderEventModel.query(db)
    .where('order_id', orderId)
    .where('version', '>', afterVersion)
    .where('version', '<=', upToVersion)
    .orderBy('version');
}

/** Every event of these orders, in one query: by order, oldest first. */
export async function listEventsOfOrders(
  db: Db,
  orderIds: readonly string[],
): Promise<OrderEventRow[]> {
  if (orderIds.length === 0) return [];
  return OrderEventModel.query(db)
    .whereIn('order_id', [...new Set(orderIds)])
    .orderBy(['order_id', 'version']);
}

export interface DriverActiveOrder {
  id: string;
  passenger_id: number;
  status: string;
}

/** The order the driver holds in one of these statuses (at most one, by a unique index). */
export async function findDriverOrderIn(
  db: Db,
  driverId: number,
  statuses: readonly string[],
): Promise<DriverActiveOrder | undefined> {
  return db('orders')
    .where('driver_id', driverId)
    .whereIn('status', statuses)
    .first<DriverActiveOrder | undefined>('id', 'passenger_id', 'status');
}

export interface LiveSession {
  session_id: string;
  user_id: number;
  role: string;
  passenger_id: number | null;
  driver_id: number | null;
}

/**
 * Of these sessions, the ones still live (not revoked, user active), with the profiles the
 * session's actor has now — the batch form of findActiveSessionActor.
 */
export async function listLiveSessions(db: Db, sessionIds: string[]): Promise<LiveSession[]> {
  const ids = sessionIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (ids.length === 0) return [];
  return db('auth_sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .leftJoin('passengers as p', function () {
      this.on('p.user_id', 'u.id').andOnVal('p.is_active', true);
    })
    .leftJoin('drivers as d', function () {
      this.on('d.user_id', 'u.id').andOnVal('d.is_active', true);
    })
    .whereIn('s.id', ids)
    .where('u.is_active', true)
    .whereNull('s.revoked_at')
    .select<LiveSession[]>(
      's.id as session_id',
      'u.id as user_id',
      'u.role',
      'p.id as passenger_id',
      'd.id as driver_id',
    );
}
