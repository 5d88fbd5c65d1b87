/**
 * The outbox message that owes a dispatch job. Every time an order enters `matching` or
 * `active_queue` a match job is owed; its id carries the order id and version, so the relay
 * publishing it twice (crash between add and commit) yields one job, while a later return to
 * matching (decline, expiry, withdrawal) owes a fresh one.
 */
import type { OutboxInsert } from '../../db/repositories/outbox.repository.js';

export interface DispatchTiming {
  leadMinutes: number;
}

export const matchJobId = (orderId: string, version: number) => `match-${orderId}-v${version}`;

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

export function owedDispatch(orderId: string, version: number, availableAt: Date): OutboxInsert {
  return {
    topic: 'dispatch.match-order',
    payload: { order_id: orderId },
    jobId: matchJobId(orderId, version),
    availableAt,
  };
}
