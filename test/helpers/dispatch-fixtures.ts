/** Orders and drivers placed for dispatch tests: drivers in the position index, orders in matching. */
import { ulid } from 'ulid';
import type { AppDeps } from '../../lib/deps.js';
import { systemActor } from '../../lib/auth/actor.js';
import { transitionOrder } from '../../lib/orders/transition-order.js';
import { createDriver } from './factories.js';

export const pickup = { lat: 47.1067, lon: 51.9167 };
/** About `km` north of the pickup. */
export const northOf = (km: number) => ({ lat: pickup.lat + km / 111.2, lon: pickup.lon });

/** An online, free driver `km` north of the pickup, with a fresh position in the index. */
export async function placeDriver(
  deps: AppDeps,
  regionId: string,
  km: number,
  overrides: Parameters<typeof createDriver>[2] = {},
) {
  const at = northOf(km);
  const now = deps.clock.now();
  const created = await createDriver(deps, regionId, {
    current_lat: at.lat,
    current_lon: at.lon,
    last_location_update: now,
    ...overrides,
  });
  await deps.positionIndex.upsert({ driverId: created.driver.id, ...at, recordedAt: now });
  return created;
}

/** An order written as submitted and moved by the status machine to `to` (matching by default). */
export async function createOrderIn(
  deps: AppDeps,
  passenger: { id: number; user_id: number; region_id: string },
  to: 'matching' | 'active_queue' = 'matching',
  overrides: Partial<{ desired_pickup_time: Date; needs_wheelchair_access: boolean }> = {},
): Promise<string> {
  const id = `order_${ulid()}`;
  await deps.db.knex('orders').insert({
    id,
    passenger_id: passenger.id,
    region_id: passenger.region_id,
    created_by_user_id: passenger.user_id,
    pickup_title: 'Home',
    dropoff_title: 'Clinic',
    pickup_lat: pickup.lat,
    pickup_lon: pickup.lon,
    dropoff_lat: 47.12,
    dropoff_lon: 51.95,
    status: 'submitted',
    seats_needed: 1,
    ...overrides,
  });
  await deps.db.transaction((trx) =>
    transitionOrder(trx, { orderId: id, to, actor: systemActor }, deps.clock.now(), {
      leadMinutes: deps.config.dispatch.leadMinutes,
    }),
  );
  return id;
}
