/** Order lists: scope and filters applied in SQL, newest first, one page at a time. */
import type { Db } from '../database.js';
import { OrderModel } from '../models/models.js';
import { orderGraph, type OrderRow } from './order.repository.js';

export interface OrderListFilter {
  passengerId?: number;
  driverId?: number;
  statuses?: readonly string[];
  regionId?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** Free text over titles, the passenger's name and phone (case-insensitive). */
  search?: string;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listOrders(
  db: Db,
  filter: OrderListFilter,
  window: { limit: number; offset: number },
): Promise<{ count: number; rows: OrderRow[] }> {
  const query = OrderModel.query(db);
  if (filter.passengerId !== undefined) query.where('orders.passenger_id', filter.passengerId);
  if (filter.driverId !== undefined) query.where('orders.driver_id', filter.driverId);
  if (filter.statuses && filter.statuses.length > 0)
    query.whereIn('orders.status', filter.statuses);
  if (filter.regionId !== undefined) query.where('orders.region_id', filter.regionId);
  if (filter.createdAfter) query.where('orders.created_at', '>=', filter.createdAfter);
  if (filter.createdBefore) query.where('orders.created_at', '<', filter.createdBefore);
  if (filter.search) {
    const pattern = `%${escapeLike(filter.search)}%`;
    const digits = filter.search.replace(/\D/g, '');
    query.where((q) => {
      q.whereILike('orders.pickup_title', pattern)
        .orWhereILike('orders.dropoff_title', pattern)
        .orWhereExists((sub) => {
          sub
            .select(1)
            .from('passengers as sp')
            .join('users as su', 'su.id', 'sp.user_id')
            .whereRaw('sp.id = orders.passenger_id')
            .where((p) => {
              p.whereILike('sp.full_name', pattern);
              // Phones are stored as E.164. Match digits without the first one, so a national
              // "8 777 …" and an international "+7 777 …" both find the same passenger.
              if (digits.length >= 4) p.orWhere('su.phone', 'like', `%${digits.slice(1)}%`);
            });
        });
    });
  }
  const count = await query.clone().resultSize();
  const rows = await query
    .orderBy('orders.created_at', 'desc')
    .orderBy('orders.id', 'desc')
    .limit(window.limit)
    .offset(window.offset)
    .withGraphFetched(orderGraph);
  return { count, rows };
}
