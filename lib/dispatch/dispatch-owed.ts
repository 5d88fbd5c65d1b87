/**
 * The outbox message that owes a dispatch job. Every time an order enters `matching` or
 * `active_queue` a match job is owed; its id carries the order id and version, so the relay
 * publishing it twice (crash between add and commit) yields one job, while a later return to
 * matching (decline, expiry, withdrawal) owes a fresh one.
 */
import { listOrdersOwingDispatch } from '../../db/repositories/recovery.repository.js';
import type { SystemActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { matchOrderJob } from '../jobs/match-order.job.js';
import { owedJob, type OwedJob } from '../jobs/owe.js';
import { isOrderStatus, type OrderStatus } from '../orders/order-status.js';

export interface DispatchTiming {
  leadMinutes: number;
}

export const matchJobId = (orderId: string, version: number): string =>
  owedJob(matchOrderJob, { order_id: orderId }, { version }).jobId ?? '';

/** When a pre-booked order's dispatch should start: the lead time before pickup, or now. */
export function dispatchStartsAt(
  desiredPickupTime: Date | null,
  now: Date,
  timing: DispatchTiming,
): Date {
  if (!desiredPickupTime) return now;
  const startsAt = new Date(desiredPickupTime.getTime() - timing.leadMinutes * 60_000);
  return startsAt > now ? startsAt : now;
}

type DueAt = (desiredPickupTime: Date | null, now: Date, timing: DispatchTiming) => Date;

/**
 * The statuses that owe a match job, and when it is due: searching owes one now, pre-booked
 * one at its lead time before pickup. The one statement of the rule: transitionOrder owes the
 * job on entry, the recovery sweep asks PostgreSQL for orders in these statuses.
 */
const dispatchDue: Partial<Record<OrderStatus, DueAt>> = {
  matching: (_pickup, now) => now,
  active_queue: dispatchStartsAt,
};

export const statusesOwingDispatch = Object.keys(dispatchDue) as OrderStatus[];

/** When an order in this status owes its match run; null when the status owes none. */
export function dispatchDueAt(
  order: { status: string; desired_pickup_time: Date | null },
  now: Date,
  timing: DispatchTiming,
): Date | null {
  const due = isOrderStatus(order.status) ? dispatchDue[order.status] : undefined;
  return due ? due(order.desired_pickup_time, now, timing) : null;
}

export function owedDispatch(orderId: string, version: number, availableAt: Date): OwedJob {
  return owedJob(matchOrderJob, { order_id: orderId }, { version, availableAt });
}

/**
 * The match runs PostgreSQL says are owed (the recovery sweep's question): every order in a
 * status owing dispatch, due as dispatchDueAt says, under its version.
 */
export async function listOwedDispatches(
  deps: Pick<AppDeps, 'db' | 'config'>,
  _actor: SystemActor,
  input: { now: Date; changedBefore: Date },
): Promise<{ orderId: string; version: number; dueAt: Date }[]> {
  const orders = await listOrdersOwingDispatch(deps.db.knex, {
    statuses: statusesOwingDispatch,
    changedBefore: input.changedBefore,
  });
  return orders.flatMap((order) => {
    const dueAt = dispatchDueAt(order, input.now, deps.config.dispatch);
    return dueAt ? [{ orderId: order.id, version: order.version, dueAt }] : [];
  });
}
