/**
 * Bench data, written in batches: a region, passengers each with one `submitted` order,
 * staff users and online drivers, and a live session (with its access token) for each user.
 */
import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { signAccessToken } from '../lib/auth/access-token.js';
import type { UserRole } from '../lib/auth/actor.js';
import type { AppDeps } from '../lib/deps.js';

export interface BenchParty {
  userId: number;
  token: string;
}
export interface BenchPassenger extends BenchParty {
  passengerId: number;
  orderId: string;
}
export interface BenchDriver extends BenchParty {
  driverId: number;
}

const batchSize = 500;

async function insertBatched<T>(
  deps: AppDeps,
  table: string,
  rows: Record<string, unknown>[],
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < rows.length; i += batchSize) {
    const inserted = (await deps.db
      .knex(table)
      .insert(rows.slice(i, i + batchSize))
      .returning('*')) as T[];
    out.push(...inserted);
  }
  return out;
}

async function createUsers(deps: AppDeps, role: UserRole, count: number, offset: number) {
  const users = await insertBatched<{ id: number }>(
    deps,
    'users',
    Array.from({ length: count }, (_, i) => {
      const phone = `+7702${String(offset + i).padStart(7, '0')}`;
      return { phone, username: phone, role, is_active: true };
    }),
  );
  const sessions = users.map((u) => ({ id: randomUUID(), user_id: u.id }));
  await insertBatched(deps, 'auth_sessions', sessions);
  return users.map((u, i) => ({
    userId: u.id,
    token: signAccessToken(deps.config.jwt, { userId: u.id, role, sessionId: sessions[i]!.id }),
  }));
}

export async function seedBench(
  deps: AppDeps,
  counts: { passengers: number; staff: number; drivers: number },
): Promise<{ passengers: BenchPassenger[]; staff: BenchParty[]; drivers: BenchDriver[] }> {
  const regionId = 'bench_region';
  await deps.db.knex('regions').insert({
    id: regionId,
    title: 'Bench',
    center_lat: 47.1067,
    center_lon: 51.9167,
    service_radius_meters: 20000,
  });

  const passengerUsers = await createUsers(deps, 'passenger', counts.passengers, 0);
  const passengerRows = await insertBatched<{ id: number; user_id: number }>(
    deps,
    'passengers',
    passengerUsers.map((u) => ({
      user_id: u.userId,
      full_name: `Bench passenger ${u.userId}`,
      region_id: regionId,
      disability_category: 'II группа',
      mobility_aid: 'none',
    })),
  );
  const orders = passengerRows.map((p) => ({
    id: `order_${ulid()}`,
    passenger_id: p.id,
    region_id: regionId,
    created_by_user_id: p.user_id,
    pickup_title: 'Home',
    dropoff_title: 'Clinic',
    pickup_lat: 47.1,
    pickup_lon: 51.9,
    dropoff_lat: 47.12,
    dropoff_lon: 51.95,
    status: 'submitted',
  }));
  await insertBatched(deps, 'orders', orders);

  const staff = await createUsers(deps, 'dispatcher', counts.staff, 1_000_000);
  const driverUsers = await createUsers(deps, 'driver', counts.drivers, 2_000_000);
  const driverRows = await insertBatched<{ id: number }>(
    deps,
    'drivers',
    driverUsers.map((u, i) => ({
      user_id: u.userId,
      name: `Bench driver ${i}`,
      region_id: regionId,
      car_model: 'Hyundai Staria',
      plate_number: `B${String(i).padStart(5, '0')}`,
      is_online: true,
      status: 'online_idle',
      current_lat: 47.1,
      current_lon: 51.9,
      last_location_update: new Date(),
    })),
  );

  return {
    passengers: passengerUsers.map((u, i) => ({
      ...u,
      passengerId: passengerRows[i]!.id,
      orderId: orders[i]!.id,
    })),
    staff,
    drivers: driverUsers.map((u, i) => ({ ...u, driverId: driverRows[i]!.id })),
  };
}
