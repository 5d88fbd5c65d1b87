/**
 * Tells realtime clients about a committed order change (a `realtime.order-changed` job).
 *
 * Catch-up, not one-event-per-job: the job reads the order as it is now and every event
 * since the last version emitted, and publishes them through the version gate. So versions
 * reach clients in order whatever order the jobs run in (two nodes, concurrency), none is
 * emitted twice (a retried job, or the job of a version a sibling already covered publishes
 * nothing), and a version whose job ran late is not lost.
 */
import {
  findOrderWithParties,
  type OrderEventRow,
  type OrderRow,
} from '../../db/repositories/order.repository.js';
import { listOrderEventsBetween } from '../../db/repositories/realtime.repository.js';
import type { AppDeps } from '../deps.js';
import { lastEmittedOrderVersion, orderGateTtlMs, publishOrderVersions } from './fanout-channel.js';
import { epochStartedAt } from '../recovery/redis-epoch.js';
import { buildOrderMessages } from './order-emissions.js';

/** Returns how many versioned messages were published (0 when already covered). */
export async function fanOutOrderChange(
  deps: Pick<AppDeps, 'db' | 'redis' | 'config' | 'clock'>,
  change: { order_id: string; version: number },
): Promise<number> {
  const prefix = deps.config.redis.prefix;
  // The reads that do not depend on each other go out together: each sequential round trip
  // is a wait for this node's event loop, which is also emitting to its sockets. A job a
  // sibling already covered costs one needless primary-key read, no more.
  const [recorded, order] = await Promise.all([
    lastEmittedOrderVersion(deps.redis, prefix, change.order_id),
    findOrderWithParties(deps.db.knex, change.order_id),
  ]);
  if (recorded !== null && recorded >= change.version) return 0;
  if (!order) return 0;
  if (recorded !== null) {
    if (order.version <= recorded) return 0;
    const events = await listOrderEventsBetween(deps.db.knex, order.id, recorded, order.version);
    return publish(deps, order, recorded, events);
  }
  // No gate recorded: either nothing was ever emitted for this order (created within the
  // gate's lifetime, so start from its first version), or it sat idle longer than that, or
  // Redis lost its data since the order was created (the epoch began later): then start
  // from this job's version rather than replay old history to clients who saw it. The
  // order's whole history (a few dozen rows at most) is read beside the epoch check.
  const createdMs = order.created_at.getTime();
  const isRecent = createdMs > deps.clock.now().getTime() - orderGateTtlMs;
  const [epochStart, history] = await Promise.all([
    isRecent ? epochStartedAt(deps.redis, prefix) : Promise.resolve(null),
    listOrderEventsBetween(deps.db.knex, order.id, 0, order.version),
  ]);
  const isYoung = isRecent && !(epochStart !== null && epochStart > createdMs);
  const floor = isYoung ? 0 : change.version - 1;
  if (order.version <= floor) return 0;
  return publish(
    deps,
    order,
    floor,
    history.filter((event) => event.version > floor),
  );
}

function publish(
  deps: Pick<AppDeps, 'redis' | 'config'>,
  order: OrderRow,
  floor: number,
  events: OrderEventRow[],
): Promise<number> {
  return publishOrderVersions(
    deps.redis,
    deps.config.redis.prefix,
    order.id,
    floor,
    buildOrderMessages(order, events),
  );
}
