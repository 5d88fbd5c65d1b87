/**
 * Shows the passenger where their driver is: after an accepted position report (REST or
 * socket), a `driver_location` event to the room of the order the driver is driving to or
 * on, and to its passenger; and staff (the console's map) a `driver_position` for every
 * driver, busy or not. Throttled to one per driver per REALTIME_LOCATION_THROTTLE_MS by
 * a Redis `SET NX PX`, so the cost does not grow with how often devices report.
 *
 * Deliberately not through the outbox: a position is not a state change anyone must be told
 * about exactly once — the next one supersedes it within a second — so it goes straight to
 * the fan-out channel and never adds a database row per report. Best effort: a failure here
 * never fails the position report itself.
 */
import { findDriverOrderIn } from '../../db/repositories/realtime.repository.js';
import type { AppDeps } from '../deps.js';
import type { OrderStatus } from '../orders/order-status.js';
import { redisKey } from '../redis/redis.js';
import { publishFanout, type FanoutAction } from './fanout-channel.js';
import { orderRoom, passengerRoom, staffRoom } from './rooms.js';

/** On the way to the pickup, waiting there, or on the trip. */
export const locationSharingStatuses: readonly OrderStatus[] = [
  'driver_en_route',
  'arrived_waiting',
  'ride_ongoing',
];

export interface DriverPoint {
  lat: number;
  lon: number;
  heading: number | null;
  speed: number | null;
  recordedAt: Date;
}

/**
 * When this process last won the throttle for each driver. A local "no" saves the Redis call
 * on most reports (a driver reporting every second or faster); only a local "maybe" asks the
 * shared throttle, which stays the one that decides across processes.
 */
const publishedHere = (() => {
  const at = new Map<number, number>();
  return {
    withinWindow: (driverId: number, windowMs: number) =>
      Date.now() - (at.get(driverId) ?? -Infinity) < windowMs,
    note(driverId: number) {
      at.set(driverId, Date.now());
      // Bounded: forget everyone at once past a fleet's size; only a Redis call is lost.
      if (at.size > 100_000) at.clear();
    },
  };
})();

/** Returns whether a `driver_location` went out (staff get `driver_position` regardless). */
export async function publishDriverLocation(
  deps: Pick<AppDeps, 'db' | 'redis' | 'config' | 'logger'>,
  driverId: number,
  point: DriverPoint,
): Promise<boolean> {
  const prefix = deps.config.redis.prefix;
  const throttleMs = deps.config.realtime.locationThrottleMs;
  try {
    if (throttleMs > 0) {
      // This process published for the driver within the window: Redis would say no too.
      if (publishedHere.withinWindow(driverId, throttleMs)) return false;
      const key = redisKey(prefix, 'realtime', 'location-throttle', driverId);
      if ((await deps.redis.set(key, '1', 'PX', throttleMs, 'NX')) !== 'OK') return false;
      publishedHere.note(driverId);
    }
    const position = {
      driver_id: driverId,
      lat: point.lat,
      lon: point.lon,
      heading: point.heading,
      speed: point.speed,
      recorded_at: point.recordedAt.toISOString(),
    };
    const actions: FanoutAction[] = [
      { type: 'emit', rooms: [staffRoom], event: 'driver_position', payload: { all: position } },
    ];
    const order = await findDriverOrderIn(deps.db.knex, driverId, locationSharingStatuses);
    if (order) {
      actions.push({
        type: 'emit',
        rooms: [orderRoom(order.id), passengerRoom(order.passenger_id)],
        event: 'driver_location',
        payload: { all: { order_id: order.id, ...position } },
      });
    }
    await publishFanout(deps.redis, prefix, actions);
    return Boolean(order);
  } catch (e: unknown) {
    deps.logger.warn({ err: e, driverId }, 'driver_location not published');
    return false;
  }
}
