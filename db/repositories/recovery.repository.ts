/**
 * What the recovery sweeper reads from PostgreSQL, the source of truth: every state that owes
 * future work, and the outbox rows still waiting to be published.
 */
import type { OrderStatus } from '../../lib/orders/order-status.js';
import type { Db } from '../database.js';

/** Only one sweeper at a time across all workers (held until the transaction ends). */
const sweepLockKey = 0x1a7e_0b0e;

export async function tryLockRecoverySweep(trx: Db, wait: boolean): Promise<boolean> {
  if (wait) {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [sweepLockKey]);
    return true;
  }
  const result = await trx.raw<{ rows: { locked: boolean }[] }>(
    'SELECT pg_try_advisory_xact_lock(?) AS locked',
    [sweepLockKey],
  );
  return result.rows[0]?.locked === true;
}

export interface OrderOwingDispatchRow {
  id: string;
  status: OrderStatus;
  version: number;
  desired_pickup_time: Date | null;
}

/**
 * Orders that owe a match job: those in `statuses` (the caller's rule, statusesOwingDispatch
 * in lib/dispatch/dispatch-owed.ts) unchanged since `changedBefore`.
 */
export async function listOrdersOwingDispatch(
  db: Db,
  query: { statuses: readonly OrderStatus[]; changedBefore: Date },
): Promise<OrderOwingDispatchRow[]> {
  return db('orders')
    .select('id', 'status', 'version', 'desired_pickup_time')
    .whereIn('status', query.statuses)
    .where('updated_at', '<', query.changedBefore) as Promise<OrderOwingDispatchRow[]>;
}

export interface PendingOfferRow {
  id: number;
  expires_at: Date;
}

/** Offers still pending: each owes an expiry job. */
export async function listPendingOffers(db: Db, createdBefore: Date): Promise<PendingOfferRow[]> {
  return db('offers')
    .select('id', 'expires_at')
    .where({ status: 'pending' })
    .where('created_at', '<', createdBefore) as Promise<PendingOfferRow[]>;
}

/** Text messages still to send (and not yet pointless): each owes a send job. */
export async function listUnsentSms(db: Db, createdBefore: Date, now: Date): Promise<number[]> {
  const rows = (await db('sms_messages')
    .select('id')
    .where({ status: 'pending' })
    .where('created_at', '<', createdBefore)
    .where((q) => void q.whereNull('expires_at').orWhere('expires_at', '>', now))) as {
    id: number;
  }[];
  return rows.map((r) => r.id);
}

/** Topic and payload of every row not yet published (its job is owed already). */
export async function listOwedOutbox(
  db: Db,
): Promise<{ topic: string; payload: Record<string, unknown> }[]> {
  return db('outbox_messages')
    .select('topic', 'payload')
    .whereNull('published_at')
    .whereNull('dead_lettered_at') as Promise<
    { topic: string; payload: Record<string, unknown> }[]
  >;
}

export interface FreshPositionRow {
  id: number;
  current_lat: number;
  current_lon: number;
  last_location_update: Date;
}

/** Online drivers' last positions recorded since `since` (to refill the position index). */
export async function listFreshDriverPositions(db: Db, since: Date): Promise<FreshPositionRow[]> {
  return db('drivers')
    .select('id', 'current_lat', 'current_lon', 'last_location_update')
    .where({ is_online: true })
    .whereNotNull('current_lat')
    .whereNotNull('current_lon')
    .where('last_location_update', '>=', since) as Promise<FreshPositionRow[]>;
}
