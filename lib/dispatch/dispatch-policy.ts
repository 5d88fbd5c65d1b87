/**
 * The timing decisions of the offer cycle, pure: where a new order goes, when a search ends,
 * which candidates one engine run tries, when an offer expires, whether a failed run retries
 * or hands the order to a dispatcher. The dispatch worker (match-order.ts, create-order.ts)
 * and the replay simulator (lib/simulation) both call these, so a replay follows the very
 * rules the engine runs by. Ranking is in rank-candidates.ts; the lead-time release time is
 * `dispatchStartsAt` in dispatch-owed.ts.
 */
import type { OrderStatus } from '../orders/order-status.js';

export interface EntrySettings {
  review: 'auto' | 'manual';
  leadMinutes: number;
}

/** Where an order goes after `submitted`: the dispatcher, the pre-booked queue, or matching. */
export function entryStatus(
  settings: EntrySettings,
  desiredPickupTime: Date | null,
  now: Date,
): 'awaiting_dispatcher_decision' | 'active_queue' | 'matching' {
  if (settings.review === 'manual') return 'awaiting_dispatcher_decision';
  const leadMs = settings.leadMinutes * 60_000;
  if (desiredPickupTime && desiredPickupTime.getTime() - leadMs > now.getTime()) {
    return 'active_queue';
  }
  return 'matching';
}

/**
 * A return to matching from this status continues the current search (a declined or expired
 * offer); any other entry into matching starts a new search, and with it a new deadline.
 */
export const searchContinuesFrom: OrderStatus = 'offered';

/** When to stop searching: the give-up time, or the pickup time of a later pre-booked order. */
export function searchDeadline(
  startedAt: Date,
  desiredPickupTime: Date | null,
  giveUpSeconds: number,
): Date {
  const giveUpAt = new Date(startedAt.getTime() + giveUpSeconds * 1000);
  return desiredPickupTime && desiredPickupTime > giveUpAt ? desiredPickupTime : giveUpAt;
}

/** An engine run that offered nobody: search again later, or hand over to a dispatcher. */
export function afterNoOffer(
  now: Date,
  deadline: Date,
  isFinalAttempt: boolean,
): 'retry_later' | 'give_up' {
  return now < deadline && !isFinalAttempt ? 'retry_later' : 'give_up';
}

/**
 * How long until a search that offered nobody runs again: the retry backoff ±20 %, so orders
 * that found nobody at the same moment do not all search again together. `unit` is a uniform
 * draw in [0, 1): Math.random() in the worker, the seeded generator in the replay.
 */
export function retryLaterDelayMs(retryBackoffMs: number, unit: number): number {
  return Math.round(retryBackoffMs * (0.8 + unit * 0.4));
}

/** Drivers tried per search when reservations are lost to other workers. */
export const maxReservationTries = 10;

/** The candidates one search tries, best first. */
export function candidatesToTry<T>(ranked: readonly T[]): readonly T[] {
  return ranked.slice(0, maxReservationTries);
}

/** A new offer's expiry. */
export function offerExpiresAt(now: Date, offerTimeoutSeconds: number): Date {
  return new Date(now.getTime() + offerTimeoutSeconds * 1000);
}
