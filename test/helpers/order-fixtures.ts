/** A cast for order tests: one region, passengers A and B, drivers A and B, staff, tokens. */
import type { UserActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import { offerTo } from './dispatch-fixtures.js';
import type { TestApp } from './test-app.js';
import {
  createDriver,
  createPassenger,
  createRegion,
  createUser,
  reportPosition,
  tokenFor,
} from './factories.js';

/** Atyrau centre: the region's centre and where the drivers stand. */
export const atyrau = { lat: 47.1067, lon: 51.9167 };

export const orderBody = (overrides: Record<string, unknown> = {}) => ({
  pickup_title: 'Home, Satpayev 1',
  dropoff_title: 'Regional hospital',
  pickup_lat: atyrau.lat,
  pickup_lon: atyrau.lon,
  dropoff_lat: 47.12,
  dropoff_lon: 51.95,
  ...overrides,
});

/**
 * Fresh people every call; the region is made once per database state, so a suite may build
 * a new cast per test without resetting every table (cheaper than TRUNCATE each time).
 */
export async function createCast(deps: AppDeps) {
  const existing = (await deps.db.knex('regions').where('id', 'atyrau_center').first()) as
    { id: string } | undefined;
  const region =
    existing ?? (await createRegion(deps, { id: 'atyrau_center', service_radius_meters: 20_000 }));
  const passengerA = await createPassenger(deps, region.id, { full_name: 'Aigerim Sadykova' });
  const passengerB = await createPassenger(deps, region.id, { full_name: 'Bolat Nurlanov' });
  const driverA = await createDriver(deps, region.id, { name: 'Driver A' });
  const driverB = await createDriver(deps, region.id, { name: 'Driver B' });
  const dispatcher = await createUser(deps, 'dispatcher');
  const admin = await createUser(deps, 'admin');
  return {
    region,
    passengerA: { ...passengerA, token: await tokenFor(deps, passengerA.user) },
    passengerB: { ...passengerB, token: await tokenFor(deps, passengerB.user) },
    driverA: { ...driverA, token: await tokenFor(deps, driverA.user) },
    driverB: { ...driverB, token: await tokenFor(deps, driverB.user) },
    dispatcher: { user: dispatcher, token: await tokenFor(deps, dispatcher) },
    admin: { user: admin, token: await tokenFor(deps, admin) },
  };
}

export type Cast = Awaited<ReturnType<typeof createCast>>;

/** Books an order as this passenger and returns its body (asserting 201 is the caller's job). */
export async function bookOrder(
  app: TestApp,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<any> {
  const res = await app.request('POST', '/api/orders/', { token, body: orderBody(overrides) });
  if (res.status !== 201)
    throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Assigns the order to the driver through the staff endpoint. */
export async function assignOrder(
  app: TestApp,
  staffToken: string,
  orderId: string,
  driverId: number,
): Promise<any> {
  const res = await app.request('POST', `/api/dispatch/assign/${orderId}/`, {
    token: staffToken,
    body: { driver_id: driverId },
  });
  if (res.status !== 200)
    throw new Error(`assign failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.order;
}

/** Puts a matching order in `offered` to this driver, the way the engine does. */
export const offerOrder = offerTo;

/** The driver reports this point, taken now by the deps' clock (the location use case). */
export async function placeDriver(
  deps: AppDeps,
  driver: { actor: UserActor },
  point: { lat: number; lon: number },
) {
  if (!(await reportPosition(deps, driver.actor, point))) throw new Error('position ignored');
}
