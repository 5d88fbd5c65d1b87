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

export function owedDispatch(orderId: string, version: number, availableAt: Date): OwedJob {
  return owedJob(matchOrderJob, { order_id: orderId }, { version, availableAt });
}

/**
 * The match runs PostgreSQL says are owed (the recovery sweep's question): an order searching
 * owes one now, a pre-booked one at its lead time before pickup; each under its version.
 */
export async function listOwedDispatches(
  deps: Pick<AppDeps, 'db' | 'config'>,
  _actor: SystemActor,
  input: { now: Date; changedBefore: Date },
): Promise<{ orderId: string; version: number; dueAt: Date }[]> {
  const orders = await listOrdersOwingDispatch(deps.db.knex, input.changedBefore);
  return orders.map((order) => ({
    orderId: order.id,
    version: order.version,
    dueAt:
      order.status === 'matching'
        ? input.now
        : dispatchStartsAt(order.desired_pickup_time, input.now, deps.config.dispatch),
  }));
}
