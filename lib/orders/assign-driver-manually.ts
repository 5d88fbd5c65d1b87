/**
 * A dispatcher assigns a chosen driver (`POST /api/dispatch/assign/{order_id}/` with a
 * driver). Allowed from matching, offered (the open offer is closed and its driver freed
 * first, so the dispatcher may also pick that very driver) and awaiting_dispatcher_decision.
 *
 * Safe under races: the order row is locked, then the driver row (`FOR UPDATE`), so two
 * dispatchers assigning one driver to two orders serialise and the second sees the driver
 * busy; the partial unique index `orders_one_active_per_driver` backs this at the database.
 */
import type { DriverModel } from '../../db/models/models.js';
import { lockDriver } from '../../db/repositories/driver-status.repository.js';
import { cancelPendingOfferOfOrder } from '../../db/repositories/offer.repository.js';
import {
  isDriverAlreadyHeld,
  lockOrder,
  type OrderRow,
} from '../../db/repositories/order.repository.js';
import { offerChanged } from '../dispatch/offer-outbox.js';
import { oweAll } from '../jobs/owe.js';
import type { UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import type { OrderStatus } from './order-status.js';
import { requireOrderView, type OrderView } from './order-view.js';
import { invalidTransition, transitionOrder } from './transition-order.js';

export const manuallyAssignableFrom: readonly OrderStatus[] = [
  'matching',
  'offered',
  'awaiting_dispatcher_decision',
];

export type AssignmentProblem =
  | 'driver_inactive'
  | 'driver_offline'
  | 'driver_busy'
  | 'insufficient_capacity'
  | 'not_wheelchair_accessible';

/** Why this driver cannot take this order, or null when they can. Pure. */
export function assignmentProblem(
  driver: Pick<DriverModel, 'is_active' | 'is_online' | 'status' | 'capacity'> & {
    wheelchair_accessible: boolean;
  },
  order: Pick<OrderRow, 'seats_needed' | 'needs_wheelchair_access'>,
): AssignmentProblem | null {
  if (!driver.is_active) return 'driver_inactive';
  if (!driver.is_online) return 'driver_offline';
  if (driver.status !== 'online_idle') return 'driver_busy';
  if (driver.capacity < order.seats_needed) return 'insufficient_capacity';
  if (order.needs_wheelchair_access && !driver.wheelchair_accessible)
    return 'not_wheelchair_accessible';
  return null;
}

const unavailable = (reason: AssignmentProblem) =>
  new AppError('driver_unavailable', { extra: { reason } });

export async function assignDriverManually(
  deps: Pick<AppDeps, 'db' | 'config' | 'clock'>,
  actor: UserActor,
  request: { orderId: string; driverId: number; locale: Locale },
): Promise<OrderView> {
  const now = deps.clock.now();
  try {
    await deps.db.transaction(async (trx) => {
      const order = await lockOrder(trx, request.orderId);
      if (!order) throw new AppError('not_found');
      const from = order.status as OrderStatus;
      if (!manuallyAssignableFrom.includes(from)) throw invalidTransition(from, 'assigned');
      if (from === 'offered') {
        const closed = await cancelPendingOfferOfOrder(trx, order.id, 'manual assignment', now);
        if (closed) {
          await oweAll(trx, [offerChanged(closed.offerId)]);
        }
      }
      const driver = await lockDriver(trx, request.driverId);
      if (!driver) {
        throw new AppError('validation_failed', { fields: { driver_id: ['No such driver'] } });
      }
      const problem = assignmentProblem(driver, order);
      if (problem) throw unavailable(problem);
      await transitionOrder(
        trx,
        {
          orderId: order.id,
          to: 'assigned',
          actor,
          reason: 'manual',
          expectedStatuses: [from],
          patch: { driver_id: driver.id, assignment_reason: 'manual' },
          eventData: { driver_id: driver.id },
        },
        now,
        deps.config.dispatch,
      );
    });
  } catch (e: unknown) {
    if (isDriverAlreadyHeld(e)) throw unavailable('driver_busy');
    throw e;
  }
  return requireOrderView(deps.db.knex, request.orderId, request.locale);
}
