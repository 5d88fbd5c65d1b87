/**
 * The one way an order changes status. Inside the caller's transaction it locks the order,
 * checks the transition, bumps `version`, writes the order event, keeps the driver's status
 * in step and writes the outbox rows that tell realtime clients and, on entering matching or
 * active_queue, owe a dispatch job — so the change and its consequences commit or roll back
 * together.
 *
 * Safe under races: the row lock serialises changes to one order; `expectedStatuses` lets a
 * caller (an engine job, an offer answer) refuse to act on an order that has moved on.
 */
import type { Db } from '../../db/database.js';
import {
  insertOrderEvent,
  lockOrder,
  updateOrderStatus,
  type OrderPatch,
  type OrderRow,
} from '../../db/repositories/order.repository.js';
import { setDriverStatus } from '../../db/repositories/driver-status.repository.js';
import { orderChangedJob } from '../jobs/order-changed.job.js';
import { owedJob, oweAll, type OwedJob } from '../jobs/owe.js';
import { actorUserId, type Actor } from '../auth/actor.js';
import { dispatchDueAt, owedDispatch, type DispatchTiming } from '../dispatch/dispatch-owed.js';
import { AppError } from '../errors/app-error.js';
import {
  driverStatusFor,
  isLegalTransition,
  isOrderStatus,
  transitions,
  type OrderStatus,
} from './order-status.js';

export interface TransitionRequest {
  orderId: string;
  to: OrderStatus;
  actor: Actor;
  reason?: string | null;
  /** Refuse (409) unless the order is in one of these statuses when locked. */
  expectedStatuses?: readonly OrderStatus[];
  patch?: OrderPatch;
  /** Extra facts stored on the order event (e.g. the offer id, the ranking). */
  eventData?: Record<string, unknown>;
  /** More owed jobs to commit with the change (e.g. an offer's expiry job). */
  outbox?: OwedJob[];
  /**
   * The order as this same transaction just inserted it: nobody else can see, let alone
   * change, an uncommitted row, so re-reading it FOR UPDATE would only cost a round trip.
   */
  insertedOrder?: OrderRow;
}

export interface TransitionResult {
  order: OrderRow;
  previousStatus: OrderStatus;
}

export function invalidTransition(from: string, to: string): AppError {
  return new AppError('invalid_transition', {
    extra: {
      current_status: from,
      requested_status: to,
      valid_transitions: isOrderStatus(from) ? transitions[from] : [],
    },
  });
}

/** Timestamps and fields that a status sets on the order itself. */
function statusPatch(to: OrderStatus, reason: string | null, now: Date): OrderPatch {
  switch (to) {
    case 'assigned':
      return { assigned_at: now };
    case 'arrived_waiting':
      return { arrived_at: now };
    case 'completed':
      return { completed_at: now };
    case 'cancelled':
      return { cancelled_at: now, cancel_reason: reason };
    case 'rejected':
    case 'awaiting_dispatcher_decision':
      return reason ? { rejection_reason: reason } : {};
    default:
      return {};
  }
}

/** The match job owed on entering a status that owes one (dispatchDueAt), else none. */
function owedDispatchFor(order: OrderRow, now: Date, timing: DispatchTiming): OwedJob[] {
  const dueAt = dispatchDueAt(order, now, timing);
  return dueAt ? [owedDispatch(order.id, order.version, dueAt)] : [];
}

/**
 * Not a use case but the step every use case that moves an order takes inside its own
 * transaction (with its lock on the offer or driver, its outbox rows): hence the transaction
 * handle, the clock's `now` and the dispatch timing instead of deps.
 */
export async function transitionOrder(
  trx: Db,
  request: TransitionRequest,
  now: Date,
  timing: DispatchTiming,
): Promise<TransitionResult> {
  const inserted = request.insertedOrder;
  const current =
    inserted?.id === request.orderId ? inserted : await lockOrder(trx, request.orderId);
  if (!current) throw new AppError('not_found');
  const from = current.status as OrderStatus;
  if (request.expectedStatuses && !request.expectedStatuses.includes(from)) {
    throw invalidTransition(from, request.to);
  }
  if (!isLegalTransition(from, request.to)) throw invalidTransition(from, request.to);

  const reason = request.reason ?? null;
  const patch: OrderPatch = { ...statusPatch(request.to, reason, now), ...request.patch };
  // Going back to matching or to the dispatcher releases the driver the order held.
  const releasesDriver = request.to === 'matching' || request.to === 'awaiting_dispatcher_decision';
  if (releasesDriver) patch.driver_id = null;
  // The event names the released driver: the realtime fan-out tells them and drops them
  // from the order's room, since the order no longer shows who held it.
  const releasedDriverId = releasesDriver ? current.driver_id : null;
  const eventData =
    releasedDriverId === null
      ? (request.eventData ?? null)
      : { ...request.eventData, released_driver_id: releasedDriverId };

  const order = await updateOrderStatus(trx, current.id, request.to, patch);
  await insertOrderEvent(trx, {
    order_id: order.id,
    version: order.version,
    from_status: from,
    to_status: request.to,
    actor_user_id: actorUserId(request.actor),
    actor_role: request.actor.role,
    reason,
    data: eventData,
    // The clock that stamps assigned_at stamps the event too, so figures read from events
    // (time to assignment, search age) agree with the order — and with a test's fake clock.
    created_at: now,
  });

  const driverStatus = driverStatusFor(request.to);
  const previousDriverId = current.driver_id;
  if (driverStatus !== null) {
    const affectedDriverId = order.driver_id ?? previousDriverId;
    if (affectedDriverId !== null) await setDriverStatus(trx, affectedDriverId, driverStatus);
  }

  await oweAll(trx, [
    owedJob(orderChangedJob, { order_id: order.id, version: order.version }),
    ...owedDispatchFor(order, now, timing),
    ...(request.outbox ?? []),
  ]);
  return { order, previousStatus: from };
}
