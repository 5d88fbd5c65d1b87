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

/** Above any order version (the column is a PostgreSQL integer). */
const maxVersion = 2_147_483_647;

/** Returns how many versioned messages were published (0 when already covered). */
export async function fanOutOrderChange(
  deps: Pick<AppDeps, 'db' | 'redis' | 'config' | 'clock'>,
  change: { order_id: string; version: number },
): Promise<number> {
  const prefix = deps.config.redis.prefix;
  // Every read goes out at once, then the gated PUBLISH: two waits in all. The order's whole
  // history (a few dozen rows at most) is read beside the order rather than after the gate,
  // and the epoch beside both (needed only when no gate is recorded). A change a sibling
  // already covered costs these reads, no more.
  const [recorded, order, history, epochStart] = await Promise.all([
    lastEmittedOrderVersion(deps.redis, prefix, change.order_id),
    findOrderWithParties(deps.db.knex, change.order_id),
    listOrderEventsBetween(deps.db.knex, change.order_id, 0, maxVersion),
    epochStartedAt(deps.redis, prefix),
  ]);
  if (recorded !== null && recorded >= change.version) return 0;
  if (!order) return 0;
  // No gate recorded: either nothing was ever emitted for this order (created within the
  // gate's lifetime, so start from its first version), or it sat idle longer than that, or
  // Redis lost its data since the order was created (the epoch began later): then start
  // from this change's version rather than replay old history to clients who saw it.
  const createdMs = order.created_at.getTime();
  const isRecent = createdMs > deps.clock.now().getTime() - orderGateTtlMs;
  const isYoung = isRecent && !(epochStart !== null && epochStart > createdMs);
  const floor = recorded ?? (isYoung ? 0 : change.version - 1);
  if (order.version <= floor) return 0;
  // The two reads are separate statements: the history may miss a version committed between
  // them (read it again up to the order's version) or hold a newer one (left for its own run).
  const covered = history.at(-1)?.version ?? 0;
  const events =
    covered >= order.version
      ? history.filter((event) => event.version > floor && event.version <= order.version)
      : await listOrderEventsBetween(deps.db.knex, order.id, floor, order.version);
  return publish(deps, order, floor, events);
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
