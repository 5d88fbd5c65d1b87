/** Drivers and orders placed for dispatch tests, through the use cases production runs. */
import type { AppDeps } from '../../lib/deps.js';
import { systemActor } from '../../lib/auth/actor.js';
import { findDriverWithGraph } from '../../db/repositories/driver.repository.js';
import { findOrderById } from '../../db/repositories/order.repository.js';
import { declineOffer, expireOffer } from '../../lib/dispatch/answer-offer.js';
import { offerToCandidate } from '../../lib/dispatch/offer-driver.js';
import { assignDriverManually } from '../../lib/orders/assign-driver-manually.js';
import { changeOrderStatus } from '../../lib/orders/change-order-status.js';
import { createOrder } from '../../lib/orders/create-order.js';
import { getOrderEvents } from '../../lib/orders/read-orders.js';
import type { OrderStatus } from '../../lib/orders/order-status.js';
import { transitionOrder } from '../../lib/orders/transition-order.js';
import { createDriver, createPassenger, fixtureAdmin, signIn } from './factories.js';

export const pickup = { lat: 47.1067, lon: 51.9167 };
/** About `km` north of the pickup. */
export const northOf = (km: number) => ({ lat: pickup.lat + km / 111.2, lon: pickup.lon });

/**
 * An online, free driver `km` north of the pickup who has just reported their position
 * (so they are in the position index, as the location use case puts them).
 */
export async function placeDriver(
  deps: AppDeps,
  regionId: string,
  km: number,
  overrides: Parameters<typeof createDriver>[2] = {},
) {
  const at = northOf(km);
  return createDriver(deps, regionId, {
    current_lat: at.lat,
    current_lon: at.lon,
    last_location_update: deps.clock.now(),
    ...overrides,
  });
}

/**
 * An order the passenger books themself (`createOrder`, as `POST /api/orders/` does): it
 * enters `matching`, or `active_queue` when booked beyond the dispatch lead time (pass a
 * `desired_pickup_time` far enough ahead). Throws when it lands anywhere else.
 */
export async function createOrderIn(
  deps: AppDeps,
  passenger: { id: number; user_id: number; region_id: string },
  to: 'matching' | 'active_queue' = 'matching',
  overrides: Partial<{
    desired_pickup_time: Date;
    needs_wheelchair_access: boolean;
    has_companion: boolean;
    pickup_lat: number;
    pickup_lon: number;
  }> = {},
): Promise<string> {
  const { actor } = await signIn(deps, { id: passenger.user_id, role: 'passenger' });
  const { desired_pickup_time, ...rest } = overrides;
  const { order } = await createOrder(deps, actor, {
    order: {
      pickup_title: 'Home',
      dropoff_title: 'Clinic',
      pickup_lat: pickup.lat,
      pickup_lon: pickup.lon,
      dropoff_lat: 47.12,
      dropoff_lon: 51.95,
      ...(desired_pickup_time ? { desired_pickup_time: desired_pickup_time.toISOString() } : {}),
      ...rest,
    },
    idempotencyKey: null,
    locale: 'en',
  });
  // The view is read after the commit: a running worker may have moved the order on (an
  // offer), so what it entered is the history's first step out of `submitted`.
  const { results } = await getOrderEvents(deps, actor, { orderId: order.id });
  const entered = results.find((e) => e.from_status === 'submitted')?.to_status;
  if (entered !== to) throw new Error(`the order entered ${entered}, not ${to}`);
  return order.id;
}

/**
 * The dispatcher assigns the driver to the order (`assignDriverManually`), then staff move it
 * through `steps` (`changeOrderStatus`; staff skip the arrival geofence), as the console does.
 */
export async function assignAndAdvance(
  deps: AppDeps,
  orderId: string,
  driverId: number,
  steps: readonly OrderStatus[] = [],
): Promise<void> {
  const { actor: staff } = await fixtureAdmin(deps);
  await assignDriverManually(deps, staff, { orderId, driverId, locale: 'en' });
  await advanceOrder(deps, orderId, steps);
}

/**
 * The system moves the order to `to` (assigning `driverId` with it, if given) through
 * transitionOrder alone, with no use case's checks around it: for realtime tests that need a
 * version per step, whoever would make it.
 */
export async function moveOrder(
  deps: AppDeps,
  orderId: string,
  to: OrderStatus,
  driverId?: number,
) {
  return deps.db.transaction((trx) =>
    transitionOrder(
      trx,
      {
        orderId,
        to,
        actor: systemActor,
        ...(driverId === undefined ? {} : { patch: { driver_id: driverId } }),
      },
      deps.clock.now(),
      deps.config.dispatch,
    ),
  );
}

/** Staff move the order through `steps` (`changeOrderStatus`, as the console does). */
export async function advanceOrder(
  deps: AppDeps,
  orderId: string,
  steps: readonly OrderStatus[],
): Promise<void> {
  const { actor: staff } = await fixtureAdmin(deps);
  for (const to of steps) await changeOrderStatus(deps, staff, { orderId, to });
}

/**
 * Makes the driver busy the way production does, with an order of this passenger (default: a
 * new one of the driver's region): `offered` (the engine's offer, `offerToCandidate`) or assigned and on the
 * way (`enroute_to_pickup`) or on the trip (`on_trip`). Returns the order's id.
 */
export async function makeDriverBusy(
  deps: AppDeps,
  driver: { id: number; region_id: string },
  status: 'offered' | 'enroute_to_pickup' | 'on_trip',
  passenger?: { id: number; user_id: number; region_id: string },
): Promise<string> {
  passenger ??= (await createPassenger(deps, driver.region_id)).passenger;
  const orderId = await createOrderIn(deps, passenger);
  if (status === 'offered') {
    await offerTo(deps, orderId, driver.id);
    return orderId;
  }
  const steps: OrderStatus[] =
    status === 'on_trip'
      ? ['driver_en_route', 'arrived_waiting', 'ride_ongoing']
      : ['driver_en_route'];
  await assignAndAdvance(deps, orderId, driver.id, steps);
  return orderId;
}

/**
 * Offers a matching order to this driver through the engine's one way of making an offer
 * (`offerToCandidate`: reserve, offer, `offered`, expiry job), as if the ranking chose them.
 */
export async function offerTo(deps: AppDeps, orderId: string, driverId: number) {
  const order = await findOrderById(deps.db.knex, orderId);
  if (!order) throw new Error(`no order ${orderId}`);
  const candidate = { driver_id: driverId, distance_m: 100, score: 1, rank: 1, trips_today: 0 };
  const offer = await offerToCandidate(deps, systemActor, { order, candidate });
  if (typeof offer === 'string') throw new Error(`no offer: ${offer}`);
  return offer;
}

/**
 * The order is offered to the driver, who declines it (`declineOffer`) or lets it expire (the
 * expiry job's `expireOffer`): the order is back in matching with the driver excluded.
 */
export async function offerAndClose(
  deps: AppDeps,
  orderId: string,
  driverId: number,
  how: 'declined' | 'expired',
): Promise<void> {
  const offer = await offerTo(deps, orderId, driverId);
  if (how === 'expired') {
    if ((await expireOffer(deps, systemActor, { offerId: offer.id })).kind !== 'expired')
      throw new Error('the offer did not expire');
    return;
  }
  const driver = await findDriverWithGraph(deps.db.knex, driverId);
  if (!driver) throw new Error(`no driver ${driverId}`);
  const { actor } = await signIn(deps, { id: driver.user_id, role: 'driver' });
  await declineOffer(deps, actor, { offerId: offer.id });
}
