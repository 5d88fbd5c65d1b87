/** Drivers as their own endpoints and the back office see them (always with user and region). */
import type { Db } from '../database.js';
import { DriverModel, loadGraphColumns, RegionModel, UserModel } from '../models/models.js';
import type { OrderStatus } from '../../lib/orders/order-status.js';

export type DriverRow = DriverModel;
const driverGraph = '[user, region]';
const driverGraphModels = [DriverModel, UserModel, RegionModel];

export interface DriverFilters {
  is_online?: boolean | undefined;
  status?: string | undefined;
  region_id?: string | undefined;
  includeInactive: boolean;
}

export interface DriverWrite {
  name?: string;
  region_id?: string;
  car_model?: string;
  plate_number?: string;
  capacity?: number;
  wheelchair_accessible?: boolean;
  is_active?: boolean;
  is_online?: boolean;
  status?: string;
}

/**
 * One joined query, not withGraphFetched's three: this runs after every position report, and
 * each extra round trip to PostgreSQL costs more CPU than building the view.
 */
export async function findDriverWithGraph(db: Db, id: number): Promise<DriverRow | undefined> {
  await loadGraphColumns(db, driverGraphModels);
  return DriverModel.query(db).findById(id).withGraphJoined(driverGraph);
}

/** Locks the driver row for a status change, so no offer can reserve them meanwhile. */
export async function lockDriverRow(db: Db, id: number): Promise<DriverRow | undefined> {
  return DriverModel.query(db).findById(id).forUpdate();
}

export async function pageDrivers(
  db: Db,
  filters: DriverFilters,
  window: { limit: number; offset: number },
): Promise<{ count: number; rows: DriverRow[] }> {
  const base = DriverModel.query(db).modify((q) => {
    if (!filters.includeInactive) q.where('drivers.is_active', true);
    if (filters.is_online !== undefined) q.where('drivers.is_online', filters.is_online);
    if (filters.status) q.where('drivers.status', filters.status);
    if (filters.region_id) q.where('drivers.region_id', filters.region_id);
  });
  const count = await base.clone().resultSize();
  const rows = await base
    .clone()
    .withGraphFetched(driverGraph)
    .orderBy('drivers.id')
    .limit(window.limit)
    .offset(window.offset);
  return { count, rows };
}

export async function insertDriverRow(
  db: Db,
  row: Required<Omit<DriverWrite, 'is_active' | 'is_online' | 'status'>> & { user_id: number },
): Promise<number> {
  const [inserted] = await db('drivers').insert(row).returning<{ id: number }[]>('id');
  return inserted!.id;
}

export async function updateDriverById(db: Db, id: number, patch: DriverWrite): Promise<void> {
  await db('drivers')
    .where({ id })
    .update({ ...patch, updated_at: db.fn.now() });
}

/**
 * What keeps a driver busy: a pending offer, or an order in one of `holdingStatuses` (the
 * order status rule's, lib/orders/order-status.ts, passed in by the caller).
 */
export async function findDriverCommitments(
  db: Db,
  driverId: number,
  holdingStatuses: readonly OrderStatus[],
): Promise<{ pendingOffer: boolean; activeOrder: boolean }> {
  const offer = await db('offers')
    .where({ driver_id: driverId, status: 'pending' })
    .first<{ id: number } | undefined>('id');
  const order = await db('orders')
    .where({ driver_id: driverId })
    .whereIn('status', holdingStatuses)
    .first<{ id: string } | undefined>('id');
  return { pendingOffer: offer !== undefined, activeOrder: order !== undefined };
}
