/**
 * Test data made the way production makes it: regions, people and staff through the back
 * office's use cases (as a fixtures admin, made once per database state by the `user:create`
 * path), sessions through the login's session opener, a driver's online flag and position
 * through the driver's own use cases. A direct write is left only where no use case can
 * produce the state, and says why.
 */
import type { AppDeps } from '../../lib/deps.js';
import type { UserActor, UserRole } from '../../lib/auth/actor.js';
import { authenticateWithStoredSession } from '../../lib/auth/authenticate-caller.js';
import { openSession } from '../../lib/auth/session-tokens.js';
import * as drivers from '../../lib/drivers/manage-drivers.js';
import { flushDriverPositions } from '../../lib/drivers/position-writer.js';
import { listDrivers } from '../../lib/drivers/read-drivers.js';
import { setDriverOnline } from '../../lib/drivers/set-driver-online.js';
import { updateDriverLocation } from '../../lib/drivers/update-driver-location.js';
import * as passengers from '../../lib/passengers/manage-passengers.js';
import type { CreatePassengerInput } from '../../lib/passengers/passenger.schemas.js';
import * as regions from '../../lib/regions/manage-regions.js';
import {
  createStaffUser,
  deactivateStaffUser,
  ensureStaffUser,
} from '../../lib/users/manage-staff-users.js';
import { findOrCreatePassengerUser } from '../../db/repositories/login-user.repository.js';
import { listActiveRegions } from '../../db/repositories/region.repository.js';

let sequence = 0;
const next = () => ++sequence;

/** A unique, valid Kazakh mobile number: +7 701 … */
export const uniquePhone = () => `+7701${String(1_000_000 + next()).slice(-7)}`;

export interface SignedIn {
  token: string;
  actor: UserActor;
}

/** A fresh session of this user, as a login opens it, and the actor its token stands for. */
export async function signIn(
  deps: AppDeps,
  user: { id: number; role: UserRole },
): Promise<SignedIn> {
  const { access } = await openSession(deps, undefined, { user });
  return { token: access, actor: await authenticateWithStoredSession(deps, { token: access }) };
}

/** An access token for a fresh session of this user, as a login would issue. */
export async function tokenFor(
  deps: AppDeps,
  user: { id: number; role: UserRole },
): Promise<string> {
  return (await signIn(deps, user)).token;
}

/**
 * A suite may deactivate or demote the fixtures' admin (the fuzzer does), and its phone then
 * belongs to an account no fixture can use: each new fixtures admin takes the next phone.
 */
let fixtureAdminCount = 0;
const nextFixtureAdminPhone = () =>
  `+7700999${String(fixtureAdminCount++ % 10_000).padStart(4, '0')}`;

const admins = new WeakMap<object, Promise<SignedIn>>();

/**
 * The admin every fixture acts as, made by `npm run user:create`'s use case once per database
 * state: after a reset (users and sessions emptied) or a suite's logout, deactivation or
 * demotion of it, the next call makes another. Calls queue behind each other, so parallel
 * fixtures never race to create it twice.
 */
export function fixtureAdmin(deps: AppDeps): Promise<SignedIn> {
  const held = (admins.get(deps.db) ?? Promise.resolve(null)).catch(() => null);
  const admin = held.then(async (signedIn) => {
    if (signedIn && (await stillSignedIn(deps, signedIn.token))) return signedIn;
    const { user } = await ensureStaffUser(deps, { phone: nextFixtureAdminPhone(), role: 'admin' });
    return signIn(deps, { id: user.id, role: 'admin' });
  });
  admins.set(deps.db, admin);
  return admin;
}

const stillSignedIn = (deps: AppDeps, token: string) =>
  authenticateWithStoredSession(deps, { token }).then(
    (actor) => actor.role === 'admin',
    () => false,
  );

const asAdmin = async (deps: AppDeps) => (await fixtureAdmin(deps)).actor;

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
  return regions.createRegion(deps, await asAdmin(deps), {
    id,
    title: overrides.title ?? `Region ${id}`,
    center_lat: overrides.center_lat ?? 47.1067,
    center_lon: overrides.center_lon ?? 51.9167,
    polygon_coordinates: overrides.polygon_coordinates ?? null,
    service_radius_meters:
      overrides.service_radius_meters === undefined ? 5000 : overrides.service_radius_meters,
  });
}

/**
 * A login of this role: staff as `npm run user:create` makes them; a passenger login without
 * a profile as the first OTP login makes it. A driver login always has its driver profile here.
 */
export async function createUser(
  deps: AppDeps,
  role: UserRole,
  overrides: Partial<{ phone: string; is_active: boolean }> = {},
): Promise<{ id: number; phone: string; role: UserRole }> {
  const phone = overrides.phone ?? uniquePhone();
  if (role === 'driver') {
    const { user } = await createDriver(deps, await anyRegion(deps), { phone });
    if (overrides.is_active === false) throw new Error('make an inactive driver by deactivating');
    return user;
  }
  if (role === 'passenger') {
    // The write verifyOtp makes for an unknown phone (its code arrives by SMS, unreadable here).
    const { user } = await findOrCreatePassengerUser(deps.db.knex, phone);
    if (overrides.is_active === false) {
      // No use case deactivates a login without a profile; the state is a disabled account.
      await deps.db.knex('users').where({ id: user.id }).update({ is_active: false });
    }
    return { id: user.id, phone, role };
  }
  // `npm run user:create`'s use case (audited as the system), so no other admin is involved.
  const { user } = await ensureStaffUser(deps, { phone, role });
  if (overrides.is_active === false) {
    await deactivateStaffUser(deps, await asAdmin(deps), { id: user.id });
  }
  return { id: user.id, phone, role };
}

/** A named staff login, as an admin creates it in the back office (`POST /api/admin/users/`). */
export async function createNamedStaff(
  deps: AppDeps,
  staff: { phone: string; role: 'dispatcher' | 'admin'; full_name: string },
) {
  return (await createStaffUser(deps, await asAdmin(deps), staff)).user;
}

async function anyRegion(deps: AppDeps): Promise<string> {
  const [found] = await listActiveRegions(deps.db.knex);
  return found?.id ?? (await createRegion(deps)).id;
}

export async function createPassenger(
  deps: AppDeps,
  regionId: string,
  overrides: Partial<{
    full_name: string;
    disability_category: CreatePassengerInput['disability_category'];
    allowed_companion: boolean;
    mobility_aid: CreatePassengerInput['mobility_aid'];
    phone: string;
  }> = {},
) {
  const phone = overrides.phone ?? uniquePhone();
  const view = await passengers.createPassenger(deps, await asAdmin(deps), {
    phone,
    full_name: overrides.full_name ?? `Passenger ${next()}`,
    region_id: regionId,
    disability_category: overrides.disability_category ?? 'II группа',
    allowed_companion: overrides.allowed_companion ?? true,
    mobility_aid: overrides.mobility_aid ?? 'none',
  });
  const user = { id: view.user!.id, phone, role: 'passenger' as const };
  return { user, passenger: { ...view, user_id: user.id, region_id: regionId } };
}

export interface DriverOverrides {
  name: string;
  capacity: number;
  wheelchair_accessible: boolean;
  is_online: boolean;
  /** Only `paused` needs saying: online drivers are `online_idle`, offline ones `offline`. */
  status: 'online_idle' | 'offline' | 'paused';
  current_lat: number | null;
  current_lon: number | null;
  /** When the position was taken (default: the clock's now); null = no position. */
  last_location_update: Date | null;
  phone: string;
}

/**
 * A driver the back office created, who then went online (unless `is_online: false`) and
 * reported a position (unless it is null), persisted to PostgreSQL as the position writer
 * does. Online, they are in the position index, as any reporting driver is.
 */
export async function createDriver(
  deps: AppDeps,
  regionId: string,
  overrides: Partial<DriverOverrides> = {},
) {
  const phone = overrides.phone ?? uniquePhone();
  const view = await drivers.createDriver(deps, await asAdmin(deps), {
    phone,
    name: overrides.name ?? `Driver ${next()}`,
    region_id: regionId,
    car_model: 'Hyundai Staria',
    plate_number: `${100 + next()}ABC06`,
    capacity: overrides.capacity ?? 4,
    wheelchair_accessible: overrides.wheelchair_accessible ?? false,
  });
  const user = { id: view.user!.id, phone, role: 'driver' as const };
  const driver = { ...view, user_id: user.id, region_id: regionId };
  const { actor } = await signIn(deps, user);
  const isOnline = overrides.is_online ?? overrides.status !== 'offline';
  if (isOnline) await setDriverOnline(deps, actor, { driverId: driver.id, isOnline: true });
  const lat = overrides.current_lat === undefined ? 47.1067 : overrides.current_lat;
  const lon = overrides.current_lon === undefined ? 51.9167 : overrides.current_lon;
  const fixAt =
    overrides.last_location_update === undefined
      ? deps.clock.now()
      : overrides.last_location_update;
  if (lat !== null && lon !== null && fixAt !== null) {
    await reportPosition(deps, actor, { lat, lon }, fixAt);
  }
  if (overrides.status === 'paused') {
    // No use case pauses a driver (the status exists for the console's filters only).
    await deps.db.knex('drivers').where({ id: driver.id }).update({ status: 'paused' });
  }
  return { user, driver, actor };
}

/**
 * The driver reports where they are (`PATCH /api/drivers/{id}/location/`'s use case); the
 * position writer's flush then writes it to PostgreSQL. Returns
 * false when the report was ignored (older than the one held).
 */
export async function reportPosition(
  deps: AppDeps,
  driver: UserActor,
  point: { lat: number; lon: number },
  fixAt: Date = deps.clock.now(),
): Promise<boolean> {
  if (driver.driverId === null) throw new Error('not a driver');
  const { accepted } = await updateDriverLocation(deps, driver, {
    driverId: driver.driverId,
    point: { ...point, recorded_at: fixAt.toISOString() },
  });
  await flushDriverPositions(deps);
  return accepted;
}

/**
 * Every free driver (online, idle) goes offline by their own use case, so no search finds
 * anyone; busy drivers stay as they are (they could not be offered an order anyway).
 */
export async function takeFreeDriversOffline(deps: AppDeps): Promise<void> {
  const free = await listDrivers(deps, await asAdmin(deps), {
    filters: { status: 'online_idle' },
    page: { page: 1, page_size: 10_000 },
  });
  for (const driver of free.results) {
    const { actor } = await signIn(deps, { id: driver.user!.id, role: 'driver' });
    await setDriverOnline(deps, actor, { driverId: driver.id, isOnline: false });
  }
}
