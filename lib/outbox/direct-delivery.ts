/**
 * Outbox topics the relay delivers itself, without a BullMQ hop: the realtime fan-outs. They
 * are idempotent (version gate, publish-once keys) and read everything they publish from the
 * committed state, so the relay can run them straight after claiming the row and mark the row
 * published only once the gated PUBLISH is done. A crash in between leaves the row owed and
 * the next claim publishes nothing twice.
 *
 * A claimed batch is delivered together: its order changes share one round of reads
 * (lib/realtime/fan-out-order-change.ts), so a batch of n rows costs 2 pooled queries, not 2n.
 *
 * When a direct delivery fails (a slow read, a timeout) the relay hands the row to the
 * `realtime` queue as the topic's job instead, whose retry policy (lib/jobs/realtime-delivery.ts)
 * keeps trying practically for ever; the worker process consumes that queue. With Redis away
 * the add fails too and the row simply waits in PostgreSQL, like any other row.
 */
import type { AppDeps } from '../deps.js';
import type { JobName, JobPayload } from '../jobs/registry.js';
import { fanOutOfferChange } from '../realtime/fan-out-offer-change.js';
import { fanOutOrderChanges } from '../realtime/fan-out-order-change.js';

export type DeliveryDeps = Pick<AppDeps, 'db' | 'redis' | 'config' | 'clock'>;

/** A row of a direct topic with its payload, already checked against the topic's schema. */
export type DirectRow =
  | { topic: 'realtime.order-changed'; payload: JobPayload<'realtime.order-changed'> }
  | { topic: 'realtime.offer-changed'; payload: JobPayload<'realtime.offer-changed'> };

/** Whether the relay delivers this topic itself (rather than through its queue). */
export const isDirectTopic = (topic: JobName): boolean =>
  topic === 'realtime.order-changed' || topic === 'realtime.offer-changed';

/**
 * Starts the deliveries of these rows (each of a direct topic) together: one promise per row,
 * in row order, each settling on its own.
 */
export function startDirectDeliveries(deps: DeliveryDeps, rows: DirectRow[]): Promise<unknown>[] {
  const orderRows = rows.flatMap((row, i) =>
    row.topic === 'realtime.order-changed' ? [{ i, change: row.payload }] : [],
  );
  const orderDeliveries = fanOutOrderChanges(
    deps,
    orderRows.map((r) => r.change),
  );
  const byRow = new Map<number, Promise<unknown>>(
    orderRows.map((r, k) => [r.i, orderDeliveries[k]!]),
  );
  return rows.map((row, i) => {
    const order = byRow.get(i);
    if (order) return order;
    if (row.topic === 'realtime.offer-changed') return fanOutOfferChange(deps, row.payload);
    return Promise.reject(new Error(`${row.topic} is not delivered directly`));
  });
}
