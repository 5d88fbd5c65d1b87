/**
 * Outbox topics the relay delivers itself, without a BullMQ hop: the realtime fan-outs. They
 * are idempotent (version gate, publish-once keys) and read everything they publish from the
 * committed state, so the relay can run them straight after claiming the row and mark the row
 * published only once the gated PUBLISH is done. A crash in between leaves the row owed and
 * the next claim publishes nothing twice.
 *
 * When a direct delivery fails (a slow read, a timeout) the relay hands the row to the
 * `realtime` queue as the topic's job instead, whose retry policy (lib/jobs/realtime-delivery.ts)
 * keeps trying practically for ever; the worker process consumes that queue. With Redis away
 * the add fails too and the row simply waits in PostgreSQL, like any other row.
 */
import type { AppDeps } from '../deps.js';
import { parseJobPayload, type JobName } from '../jobs/registry.js';
import { fanOutOfferChange } from '../realtime/fan-out-offer-change.js';
import { fanOutOrderChange } from '../realtime/fan-out-order-change.js';

export type DeliveryDeps = Pick<AppDeps, 'db' | 'redis' | 'config' | 'clock'>;

type Delivery = (deps: DeliveryDeps, payload: unknown) => Promise<unknown>;

const deliveries: Partial<Record<JobName, Delivery>> = {
  'realtime.order-changed': (deps, payload) =>
    fanOutOrderChange(deps, parseJobPayload('realtime.order-changed', payload)),
  'realtime.offer-changed': (deps, payload) =>
    fanOutOfferChange(deps, parseJobPayload('realtime.offer-changed', payload)),
};

/** The relay's own delivery of this topic, or null when it goes through its queue. */
export const directDelivery = (topic: JobName): Delivery | null => deliveries[topic] ?? null;
