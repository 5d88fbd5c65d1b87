/**
 * The reads behind a dispatch worker's in-memory driver supply (lib/dispatch/supply-follower.ts):
 * the candidate facts of drivers, the orders that count as trips today, the local day, and the
 * order load that announces a barrier on `driver_changes` (migration 20261202000800).
 */
import type { TripsTodayRule } from '../../lib/drivers/trips-today.js';
import type { Db } from '../database.js';
import { OrderModel } from '../models/models.js';
import { barrierPayload, driverChangesChannel } from './driver-changes.js';
import type { DriverVehicleRow } from './dispatch-candidate.repository.js';
import type { OrderRow } from './order.repository.js';

/** What the supply holds about a driver: the facts the ranking and availability need. */
export interface SupplyDriverRow extends DriverVehicleRow {
  is_active: boolean;
  is_online: boolean;
  status: string;
}

/** An order as the trips-today count sees it. */
export interface SupplyOrderRow {
  id: string;
  driver_id: number | null;
  status: string;
  assigned_at: Date | null;
}

const driverColumns = [
  'id',
  'name',
  'region_id',
  'car_model',
  'capacity',
  'wheelchair_accessible',
  'is_active',
  'is_online',
  'status',
] as const;

/** Every driver's facts (`ids` omitted) or those of the given drivers. */
export async function loadSupplyDrivers(
  db: Db,
  ids?: readonly number[],
): Promise<SupplyDriverRow[]> {
  const query = db('drivers').select(...driverColumns);
  if (ids) query.whereRaw('id = ANY(?)', [[...ids]]);
  return (await query) as SupplyDriverRow[];
}

/** The given orders (those that no longer exist are absent). */
export async function loadSupplyOrders(db: Db, ids: readonly string[]): Promise<SupplyOrderRow[]> {
  return db<SupplyOrderRow>('orders')
    .select('id', 'driver_id', 'status', 'assigned_at')
    .whereRaw('id = ANY(?)', [[...ids]]);
}

/**
 * The local day (in the rule's zone) that contains `now`, and every order that counts as a
 * trip in it, read in one snapshot.
 */
export async function loadTripsOfDay(
  db: Db,
  now: Date,
  rule: TripsTodayRule,
): Promise<{ dayStart: Date; dayEnd: Date; orders: SupplyOrderRow[] }> {
  return db.transaction(
    async (trx) => {
      const day = await trx.raw<{ rows: { day_start: Date; day_end: Date }[] }>(
        `SELECT date_trunc('day', :now::timestamptz AT TIME ZONE :tz) AT TIME ZONE :tz AS day_start,
                (date_trunc('day', :now::timestamptz AT TIME ZONE :tz) + interval '1 day') AT TIME ZONE :tz AS day_end`,
        { now: now.toISOString(), tz: rule.timeZone },
      );
      const { day_start: dayStart, day_end: dayEnd } = day.rows[0]!;
      const orders = await trx<SupplyOrderRow>('orders')
        .select('id', 'driver_id', 'status', 'assigned_at')
        .whereNotNull('driver_id')
        .where('assigned_at', '>=', dayStart)
        .where('assigned_at', '<', dayEnd)
        .whereRaw('status = ANY(?)', [[...rule.tripStatuses]]);
      return { dayStart, dayEnd, orders };
    },
    { isolationLevel: 'repeatable read', readOnly: true },
  );
}

export interface OrderForSearch {
  order: OrderRow;
  /** Drivers recorded in order_excluded_drivers for it (declined, missed, withdrew). */
  excludedDriverIds: number[];
}

/**
 * The order, its exclusions and, when `barrier` is given, the barrier announced on
 * `driver_changes` at this statement's commit: ONE round trip. Every change committed before
 * the order was read is announced before the barrier (notifications arrive in commit order).
 */
export async function loadOrderForSearch(
  db: Db,
  orderId: string,
  barrier: string | null,
): Promise<OrderForSearch | undefined> {
  const extras: string[] = [
    `ARRAY(SELECT x.driver_id FROM order_excluded_drivers x WHERE x.order_id = orders.id) AS search_excluded_driver_ids`,
  ];
  const bindings: string[] = [];
  if (barrier !== null) {
    extras.push(`pg_notify('${driverChangesChannel}', ?) AS search_barrier`);
    bindings.push(barrierPayload(barrier));
  }
  const row = await OrderModel.query(db)
    .findById(orderId)
    .select('orders.*', OrderModel.raw(extras.join(', '), bindings));
  if (!row) return undefined;
  const extra = row as unknown as { search_excluded_driver_ids: number[] };
  const excludedDriverIds = extra.search_excluded_driver_ids.map(Number);
  Reflect.deleteProperty(row, 'search_excluded_driver_ids');
  Reflect.deleteProperty(row, 'search_barrier');
  return { order: row, excludedDriverIds };
}
