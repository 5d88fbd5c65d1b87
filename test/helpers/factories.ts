/** Test data factories writing real rows, and tokens for real sessions. */
import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../../lib/deps.js';
import type { UserRole } from '../../lib/auth/actor.js';
import { signAccessToken } from '../../lib/auth/access-token.js';
import { createSession } from '../../db/repositories/session.repository.js';

let sequence = 0;
const next = () => ++sequence;

/** A unique, valid Kazakh mobile number: +7 700 … */
export const uniquePhone = () => `+7701${String(1_000_000 + next()).slice(-7)}`;

export async function createRegion(
  deps: AppDeps,
  overrides: Partial<{
    id: string;
    title: string;
    center_lat: number;
    center_lon: number;
    polygon_coordinates: [number, number][] | null;
    service_radius_meters: number | null;
  }> = {},
) {
  const id = overrides.id ?? `region_${next()}`;
  const row = {
    id,
    title: overrides.title ?? `Region ${id}`,
    center_lat: overrides.center_lat ?? 47.1067,
    center_lon: overrides.center_lon ?? 51.9167,
    polygon_coordinates:
      overrides.polygon_coordinates === undefined
        ? null
        : JSON.stringify(overrides.polygon_coordinates),
    service_radius_meters: overrides.service_radius_meters ?? 5000,
  };
  await deps.db.knex('regions').insert(row);
  return { ...row, polygon_coordinates: overrides.polygon_coordinates ?? null };
}

export async function createUser(
  deps: AppDeps,
  role: UserRole,
  overrides: Partial<{ phone: string; is_active: boolean }> = {},
) {
  const phone = overrides.phone ?? uniquePhone();
  const [user] = await deps.db
    .knex('users')
    .insert({ phone, username: phone, role, is_active: overrides.is_active ?? true })
    .returning('*');
  return user as { id: number; phone: string; role: UserRole };
}

export async function createPassenger(
  deps: AppDeps,
  regionId: string,
  overrides: Partial<{
    full_name: string;
    disability_category: string;
    allowed_companion: boolean;
    mobility_aid: string;
    phone: string;
  }> = {},
) {
  const user = await createUser(deps, 'passenger', { phone: overrides.phone });
  const [passenger] = await deps.db
    .knex('passengers')
    .insert({
      user_id: user.id,
      full_name: overrides.full_name ?? `Passenger ${user.id}`,
      region_id: regionId,
      disability_category: overrides.disability_category ?? 'II группа',
      allowed_companion: overrides.allowed_companion ?? true,
      mobility_aid: overrides.mobility_aid ?? 'none',
    })
    .returning('*');
  return { user, passenger: passenger as { id: number; user_id: number; region_id: string } };
}

export async function createDriver(
  deps: AppDeps,
  regionId: string,
  overrides: Partial<{
    name: string;
    capacity: number;
    wheelchair_accessible: boolean;
    is_online: boolean;
    status: string;
    current_lat: number | null;
    current_lon: number | null;
    last_location_update: Date | null;
    phone: string;
  }> = {},
) {
  const user = await createUser(deps, 'driver', { phone: overrides.phone });
  const isOnline = overrides.is_online ?? true;
  const [driver] = await deps.db
    .knex('drivers')
    .insert({
      user_id: user.id,
      name: overrides.name ?? `Driver ${user.id}`,
      region_id: regionId,
      car_model: 'Hyundai Staria',
      plate_number: `${100 + next()}ABC06`,
      capacity: overrides.capacity ?? 4,
      wheelchair_accessible: overrides.wheelchair_accessible ?? false,
      is_online: isOnline,
      status: overrides.status ?? (isOnline ? 'online_idle' : 'offline'),
      current_lat: overrides.current_lat === undefined ? 47.1067 : overrides.current_lat,
      current_lon: overrides.current_lon === undefined ? 51.9167 : overrides.current_lon,
      last_location_update:
        overrides.last_location_update === undefined ? new Date() : overrides.last_location_update,
    })
    .returning('*');
  return { user, driver: driver as { id: number; user_id: number; region_id: string } };
}

/** An access token for a fresh session of this user, as a login would issue. */
export async function tokenFor(
  deps: AppDeps,
  user: { id: number; role: UserRole },
): Promise<string> {
  const sessionId = randomUUID();
  await createSession(deps.db.knex, sessionId, user.id);
  return signAccessToken(deps.config.jwt, { userId: user.id, role: user.role, sessionId });
}
