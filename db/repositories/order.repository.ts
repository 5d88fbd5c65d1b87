/** Orders and their events: the persistence side of lib/orders. */
import type { Db } from '../database.js';
import { OrderEventModel, OrderModel } from '../models/models.js';

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
  return OrderModel.query(db).patchAndFetchById(id, {
    ...patch,
    status,
    version: OrderModel.raw('version + 1'),
    updated_at: OrderModel.fn.now(),
  });
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
}

export async function insertOrderEvent(db: Db, event: OrderEventInsert): Promise<void> {
  await OrderEventModel.query(db).insert({ ...event, data: event.data ?? null });
}

export async function listOrderEvents(db: Db, orderId: string): Promise<OrderEventRow[]> {
  return OrderEventModel.query(db).where('order_id', orderId).orderBy('id');
}

/** The relations the Order view needs. */
export const orderGraph = '[passenger.[user, region], driver.[user, region]]';

export async function findOrderWithParties(db: Db, id: string): Promise<OrderRow | undefined> {
  return OrderModel.query(db).findById(id).withGraphFetched(orderGraph);
}
