/** Orders and their events: the persistence side of lib/orders. */
import type { Db } from '../database.js';
import {
  DriverModel,
  loadGraphColumns,
  OrderEventModel,
  OrderModel,
  PassengerModel,
  RegionModel,
  UserModel,
} from '../models/models.js';

export type OrderRow = OrderModel;
export type OrderEventRow = OrderEventModel;

export type OrderPatch = Partial<
  Pick<
    OrderModel,
    | 'driver_id'
    | 'assigned_at'
    | 'arrived_at'
    | 'completed_at'
    | 'cancelled_at'
    | 'assignment_reason'
    | 'rejection_reason'
    | 'cancel_reason'
    | 'distance_km'
  >
>;

export async function findOrderById(db: Db, id: string): Promise<OrderRow | undefined> {
  return OrderModel.query(db).findById(id);
}

/** Reads the order and locks its row until the transaction ends. */
export async function lockOrder(db: Db, id: string): Promise<OrderRow | undefined> {
  return OrderModel.query(db).findById(id).forUpdate();
}

export async function updateOrderStatus(
  db: Db,
  id: string,
  status: string,
  patch: OrderPatch,
): Promise<OrderRow> {
  // UPDATE … RETURNING: one round trip, where patchAndFetchById makes two.
  const [row] = await OrderModel.query(db)
    .patch({
      ...patch,
      status,
      version: OrderModel.raw('version + 1'),
      updated_at: OrderModel.fn.now(),
    })
    .where('orders.id', id)
    .returning('*');
  if (!row) throw new Error(`order ${id} vanished under its row lock`);
  return row;
}

export interface OrderEventInsert {
  order_id: string;
  version: number;
  from_status: string | null;
  to_status: string;
  actor_user_id: number | null;
  actor_role: string;
  reason: string | null;
  data?: Record<string, unknown> | null;
  /** The service clock's time of the change (the database's own clock when absent). */
  created_at?: Date;
}

export async function insertOrderEvent(db: Db, event: OrderEventInsert): Promise<void> {
  await OrderEventModel.query(db).insert({ ...event, data: event.data ?? null });
}

export async function listOrderEvents(db: Db, orderId: string): Promise<OrderEventRow[]> {
  return OrderEventModel.query(db).where('order_id', orderId).orderBy('id');
}

/** The relations the Order view needs. */
export const orderGraph = '[passenger.[user, region], driver.[user, region]]';
const orderGraphModels = [OrderModel, PassengerModel, DriverModel, UserModel, RegionModel];

/** One row, one query: joined rather than fetched (7 round trips), which counts per realtime event. */
export async function findOrderWithParties(db: Db, id: string): Promise<OrderRow | undefined> {
  await loadGraphColumns(db, orderGraphModels);
  return OrderModel.query(db).findById(id).withGraphJoined(orderGraph);
}

/** The orders with their parties (as findOrderWithParties), in one query; missing ids omitted. */
export async function findOrdersWithParties(db: Db, ids: readonly string[]): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  await loadGraphColumns(db, orderGraphModels);
  return OrderModel.query(db)
    .whereIn('orders.id', [...new Set(ids)])
    .withGraphJoined(orderGraph);
}

export type OrderInsert = Pick<
  OrderModel,
  | 'id'
  | 'passenger_id'
  | 'region_id'
  | 'created_by_user_id'
  | 'idempotency_key'
  | 'pickup_title'
  | 'dropoff_title'
  | 'pickup_lat'
  | 'pickup_lon'
  | 'dropoff_lat'
  | 'dropoff_lon'
  | 'pickup_object_name'
  | 'dropoff_object_name'
  | 'desired_pickup_time'
  | 'has_companion'
  | 'seats_needed'
  | 'needs_wheelchair_access'
  | 'note'
  | 'status'
  | 'created_at'
  | 'updated_at'
>;

/** Inserts a new order at version 1. */
export async function insertOrder(db: Db, order: OrderInsert): Promise<OrderRow> {
  // INSERT … RETURNING: one round trip, where insertAndFetch makes two.
  return OrderModel.query(db)
    .insert({ ...order, version: 1 })
    .returning('*');
}

export async function findOrderByIdempotencyKey(
  db: Db,
  createdByUserId: number,
  key: string,
): Promise<OrderRow | undefined> {
  return OrderModel.query(db).findOne({
    created_by_user_id: createdByUserId,
    idempotency_key: key,
  });
}

/**
 * Whether a database error is a unique violation of this index. Objection wraps pg's error
 * (UniqueViolationError: `constraint`, `nativeError.code`); raw knex leaves it bare.
 */
function isUniqueViolationOf(e: unknown, constraint: string): boolean {
  const error = e as { code?: string; constraint?: string; nativeError?: { code?: string } };
  const code = error.code ?? error.nativeError?.code;
  return code === '23505' && error.constraint === constraint;
}

/** Whether a database error is the idempotency index refusing a second order for one key. */
export const isIdempotencyConflict = (e: unknown): boolean =>
  isUniqueViolationOf(e, 'orders_idempotency');

/** Whether a database error is the one-active-order-per-driver index refusing an assignment. */
export const isDriverAlreadyHeld = (e: unknown): boolean =>
  isUniqueViolationOf(e, 'orders_one_active_per_driver');
