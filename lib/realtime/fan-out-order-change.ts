/**
 * Tells realtime clients about a committed order change (a `realtime.order-changed` job).
 *
 * Catch-up, not one-event-per-job: the job reads the order as it is now and every event
 * since the last version emitted, and publishes them through the version gate. So versions
 * reach clients in order whatever order the jobs run in (two nodes, concurrency), none is
 * emitted twice (a retried job, or the job of a version a sibling already covered publishes
 * nothing), and a version whose job ran late is not lost.
 *
 * The relay delivers a whole claimed batch at once (`fanOutOrderChanges`): the batch's reads
 * are shared, 2 PostgreSQL queries and 2 Redis commands for any number of changes, so the
 * rows of a batch no longer queue for the pool behind each other's reads.
 */
import {
  findOrdersWithParties,
  type OrderEventRow,
  type OrderRow,
} from '../../db/repositories/order.repository.js';
import {
  listEventsOfOrders,
  listOrderEventsBetween,
} from '../../db/repositories/realtime.repository.js';
import type { AppDeps } from '../deps.js';
import {
  lastEmittedOrderVersions,
  orderGateTtlMs,
  publishOrderVersions,
} from './fanout-channel.js';
import { epochStartedAt } from '../recovery/redis-epoch.js';
import { buildOrderMessages } from './order-emissions.js';

type FanOutDeps = Pick<AppDeps, 'db' | 'redis' | 'config' | 'clock'>;

export interface OrderChange {
  order_id: string;
  version: number;
}

/** What a batch of changes reads before publishing: gates, orders, histories, the epoch. */
interface BatchState {
  recorded: Map<string, number | null>;
  orders: Map<string, OrderRow>;
  histories: Map<string, OrderEventRow[]>;
  epochStart: number | null;
}

async function readBatchState(deps: FanOutDeps, orderIds: string[]): Promise<BatchState> {
  const ids = [...new Set(orderIds)];
  const prefix = deps.config.redis.prefix;
  // Every read goes out at once, then the gated PUBLISHes: two waits in all. The orders' whole
  // histories (a few dozen rows each at most) are read beside the orders rather than after
  // the gates, and the epoch beside them (needed only when no gate is recorded). A change a
  // sibling already covered costs these reads, no more.
  const [recorded, orders, events, epochStart] = await Promise.all([
    lastEmittedOrderVersions(deps.redis, prefix, ids),
    findOrdersWithParties(deps.db.knex, ids),
    listEventsOfOrders(deps.db.knex, ids),
    epochStartedAt(deps.redis, prefix),
  ]);
  const histories = new Map<string, OrderEventRow[]>(ids.map((id) => [id, []]));
  for (const event of events) histories.get(event.order_id)?.push(event);
  return {
    recorded: new Map(ids.map((id, i) => [id, recorded[i] ?? null])),
    orders: new Map(orders.map((order) => [order.id, order])),
    histories,
    epochStart,
  };
}

/** Publishes what one change owes, from the batch's reads; how many messages went out. */
async function fanOutFrom(
  deps: FanOutDeps,
  state: BatchState,
  change: OrderChange,
): Promise<number> {
  const recorded = state.recorded.get(change.order_id) ?? null;
  const order = state.orders.get(change.order_id);
  if (recorded !== null && recorded >= change.version) return 0;
  if (!order) return 0;
  // No gate recorded: either nothing was ever emitted for this order (created within the
  // gate's lifetime, so start from its first version), or it sat idle longer than that, or
  // Redis lost its data since the order was created (the epoch began later): then start
  // from this change's version rather than replay old history to clients who saw it.
  const createdMs = order.created_at.getTime();
  const isRecent = createdMs > deps.clock.now().getTime() - orderGateTtlMs;
  const isYoung = isRecent && !(state.epochStart !== null && state.epochStart > createdMs);
  const floor = recorded ?? (isYoung ? 0 : change.version - 1);
  if (order.version <= floor) return 0;
  // The two reads are separate statements: the history may miss a version committed between
  // them (read it again up to the order's version) or hold a newer one (left for its own run).
  const history = state.histories.get(order.id) ?? [];
  const covered = history.at(-1)?.version ?? 0;
  const events =
    covered >= order.version
      ? history.filter((event) => event.version > floor && event.version <= order.version)
      : await listOrderEventsBetween(deps.db.knex, order.id, floor, order.version);
  return publishOrderVersions(
    deps.redis,
    deps.config.redis.prefix,
    order.id,
    floor,
    buildOrderMessages(order, events),
  );
}

/**
 * Fans out several changes with shared reads: one promise per change (how many versioned
 * messages it published), each settling on its own. Two changes of one order are both run;
 * the gate lets the second publish only what the first did not.
 */
export function fanOutOrderChanges(deps: FanOutDeps, changes: OrderChange[]): Promise<number>[] {
  if (changes.length === 0) return [];
  const state = readBatchState(
    deps,
    changes.map((change) => change.order_id),
  );
  return changes.map((change) => state.then((read) => fanOutFrom(deps, read, change)));
}

/** Returns how many versioned messages were published (0 when already covered). */
export async function fanOutOrderChange(deps: FanOutDeps, change: OrderChange): Promise<number> {
  return fanOutOrderChanges(deps, [change])[0]!;
}
