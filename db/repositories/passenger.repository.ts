/** Passengers: profile reads (orders need the profile's rules: companion, mobility aid). */
import type { Db } from '../database.js';
import { PassengerModel, UserModel } from '../models/models.js';

export type PassengerRow = PassengerModel;

/** Active or not: callers decide what an inactive profile means for them. */
export async function findPassengerById(db: Db, id: number): Promise<PassengerRow | undefined> {
  return PassengerModel.query(db).findById(id);
}

export async function findPassengerByUserId(
  db: Db,
  userId: number,
): Promise<PassengerRow | undefined> {
  return PassengerModel.query(db).findOne({ user_id: userId });
}

const passengerGraph = '[user, region]';

export interface PassengerFilters {
  phone?: string | undefined;
  region_id?: string | undefined;
  includeInactive: boolean;
}

export interface PassengerWrite {
  full_name?: string;
  region_id?: string;
  disability_category?: string;
  allowed_companion?: boolean;
  mobility_aid?: string;
  is_active?: boolean;
}

export async function findPassengerWithGraph(
  db: Db,
  id: number,
): Promise<PassengerRow | undefined> {
  return PassengerModel.query(db).findById(id).withGraphFetched(passengerGraph);
}

/**
 * Locks the passenger row. Every back-office write takes it before touching the login user,
 * so concurrent writes of one passenger queue up instead of deadlocking.
 */
export async function lockPassengerRow(db: Db, id: number): Promise<PassengerRow | undefined> {
  return PassengerModel.query(db).findById(id).forUpdate();
}

export async function pagePassengers(
  db: Db,
  filters: PassengerFilters,
  window: { limit: number; offset: number },
): Promise<{ count: number; rows: PassengerRow[] }> {
  const base = PassengerModel.query(db).modify((q) => {
    if (!filters.includeInactive) q.where('passengers.is_active', true);
    if (filters.region_id) q.where('passengers.region_id', filters.region_id);
    if (filters.phone) {
      q.whereIn(
        'passengers.user_id',
        UserModel.query(db).select('id').where('phone', filters.phone),
      );
    }
  });
  const count = await base.clone().resultSize();
  const rows = await base
    .clone()
    .withGraphFetched(passengerGraph)
    .orderBy('passengers.id')
    .limit(window.limit)
    .offset(window.offset);
  return { count, rows };
}

export async function insertPassengerRow(
  db: Db,
  row: Required<Omit<PassengerWrite, 'is_active'>> & { user_id: number },
): Promise<number> {
  const [inserted] = await db('passengers').insert(row).returning<{ id: number }[]>('id');
  return inserted!.id;
}

export async function updatePassengerById(
  db: Db,
  id: number,
  patch: PassengerWrite,
): Promise<void> {
  await db('passengers')
    .where({ id })
    .update({ ...patch, updated_at: db.fn.now() });
}

/** Whether the passenger has an order that has not ended yet. */
export async function hasOpenOrder(
  db: Db,
  passengerId: number,
  terminalStatuses: readonly string[],
): Promise<boolean> {
  const row = await db('orders')
    .where({ passenger_id: passengerId })
    .whereNotIn('status', terminalStatuses)
    .first<{ id: string } | undefined>('id');
  return row !== undefined;
}
