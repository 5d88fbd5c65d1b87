/**
 * Which open orders need a person, and why. Pure: the order and the time in, a reason and the
 * moments to show out. An order is in the queue when
 * - it awaits a dispatcher (manual review, or the engine gave up and handed it back);
 * - it is pre-booked and its pickup is less than `prebookedDueMinutes` away;
 * - it has been matching, or offered without an answer, longer than the thresholds.
 */
import type { OrderView } from './types.js';

export interface QueueSettings {
  matchingTooLongSeconds: number;
  offeredTooLongSeconds: number;
  prebookedDueMinutes: number;
}

export const defaultQueueSettings: QueueSettings = {
  matchingTooLongSeconds: 120,
  offeredTooLongSeconds: 45,
  prebookedDueMinutes: 45,
};

export type QueueReason = 'review' | 'prebooked' | 'matching_long' | 'offered_long';

export interface QueueEntry {
  order: OrderView;
  reason: QueueReason;
  /** Seconds since the passenger booked. */
  waitSeconds: number;
  /** Seconds until the wanted pickup time (pre-booked orders), else null. */
  dueInSeconds: number | null;
}

const seconds = (from: string, now: number) =>
  Math.max(0, Math.round((now - Date.parse(from)) / 1000));

export const openStatuses = [
  'submitted',
  'awaiting_dispatcher_decision',
  'active_queue',
  'matching',
  'offered',
] as const;

export function queueReason(
  order: OrderView,
  now: number,
  settings: QueueSettings,
): QueueReason | null {
  const inStatus = seconds(order.updated_at, now);
  switch (order.status) {
    case 'awaiting_dispatcher_decision':
      return 'review';
    case 'active_queue': {
      if (!order.desired_pickup_time) return null;
      const dueIn = (Date.parse(order.desired_pickup_time) - now) / 1000;
      return dueIn <= settings.prebookedDueMinutes * 60 ? 'prebooked' : null;
    }
    case 'matching':
      return inStatus > settings.matchingTooLongSeconds ? 'matching_long' : null;
    case 'offered':
      return inStatus > settings.offeredTooLongSeconds ? 'offered_long' : null;
    default:
      return null;
  }
}

/** The queue, longest wait first (pre-booked ones by pickup time among them). */
export function buildQueue(
  orders: Iterable<OrderView>,
  now: number,
  settings: QueueSettings = defaultQueueSettings,
): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const order of orders) {
    const reason = queueReason(order, now, settings);
    if (!reason) continue;
    const dueInSeconds = order.desired_pickup_time
      ? Math.round((Date.parse(order.desired_pickup_time) - now) / 1000)
      : null;
    entries.push({ order, reason, waitSeconds: seconds(order.created_at, now), dueInSeconds });
  }
  const urgency = (e: QueueEntry) => (e.dueInSeconds !== null ? e.dueInSeconds : -e.waitSeconds);
  return entries.sort((a, b) => urgency(a) - urgency(b) || a.order.id.localeCompare(b.order.id));
}

/** ok < 2 min ≤ warn < 5 min ≤ late. */
export const waitLevel = (waitSeconds: number): 'ok' | 'warn' | 'late' =>
  waitSeconds < 120 ? 'ok' : waitSeconds < 300 ? 'warn' : 'late';

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}
