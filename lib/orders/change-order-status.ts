/**
 * A status change asked for through the API (`PATCH /api/orders/{id}/status/`). It adds the
 * caller's rules to transitionOrder's legality: who may ask for what, the assigned driver's
 * geofence on arrival and the wait before a no-show. Staff may make any legal change except
 * the two that need the dispatcher's tools (`offered`, `assigned`).
 *
 * Leaving `offered` by this route (cancel, back to matching) closes the open offer in the
 * same transaction and frees the offered driver, so no offer outlives its order's state.
 */
import type { Db } from '../../db/database.js';
import { lockDriver } from '../../db/repositories/driver-status.repository.js';
import { cancelPendingOfferOfOrder } from '../../db/repositories/offer.repository.js';
import { lockOrder, type OrderRow } from '../../db/repositories/order.repository.js';
import { offerChanged } from '../dispatch/offer-outbox.js';
import { oweAll } from '../jobs/owe.js';
import type { UserActor, UserRole } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { haversineMeters } from '../geo/haversine.js';
import { persistDriverPosition } from '../drivers/position-writer.js';
import type { Locale } from '../i18n/messages.js';
import { isOrderInScope } from './order-scope.js';
import {
  isLegalTransition,
  orderStatuses,
  roleMayRequest,
  type OrderStatus,
} from './order-status.js';
import { invalidTransition, transitionOrder } from './transition-order.js';
import { requireOrderView, type OrderView } from './order-view.js';

export type ChangeStatusDeps = Pick<AppDeps, 'db' | 'config' | 'clock' | 'redis' | 'logger'>;

export interface ChangeStatusRequest {
  orderId: string;
  to: OrderStatus;
  reason?: string | null;
  /** The answer's language (default: the service's). */
  locale?: Locale;
}

/** Statuses only the engine or the manual assignment set: they need an offer or a driver. */
const dispatchOnly: readonly OrderStatus[] = ['offered', 'assigned'];

/**
 * Why this role may not ask for `from → to` through the API, or null when it may:
 * `forbidden` (403) when the role may never ask for `to`, or not from here; `illegal` (409)
 * when the machine has no such transition. Pure, table-tested.
 */
export function statusRequestRefusal(
  role: UserRole,
  from: OrderStatus,
  to: OrderStatus,
): 'forbidden' | 'illegal' | null {
  const mayEverRequest = orderStatuses.some((s) => roleMayRequest(role, s, to));
  if (!mayEverRequest) return 'forbidden';
  if (!isLegalTransition(from, to)) return 'illegal';
  if (!roleMayRequest(role, from, to)) return 'forbidden';
  return null;
}

function checkRequest(actor: UserActor, from: OrderStatus, to: OrderStatus): void {
  const refusal = statusRequestRefusal(actor.role, from, to);
  if (refusal === 'illegal') throw invalidTransition(from, to);
  if (refusal === 'forbidden') throw new AppError('forbidden');
}

/** The assigned driver's own rules: at the pickup to arrive, after the wait for a no-show. */
async function checkDriverRules(
  deps: ChangeStatusDeps,
  trx: Db,
  order: OrderRow,
  to: OrderStatus,
  now: Date,
): Promise<void> {
  if (to === 'arrived_waiting') {
    // Reports go to Redis first (lib/drivers/position-writer.ts): the one just sent counts.
    if (order.driver_id !== null) await persistDriverPosition(deps, trx, order.driver_id);
    const driver = order.driver_id === null ? undefined : await lockDriver(trx, order.driver_id);
    const limitMeters = deps.config.orders.geofenceArrivalMeters;
    const freshMs = deps.config.dispatch.positionFreshSeconds * 1000;
    const fix = driver?.last_location_update;
    if (!driver || driver.current_lat === null || driver.current_lon === null || !fix) {
      throw new AppError('outside_geofence', { extra: { reason: 'no_position' } });
    }
    if (now.getTime() - fix.getTime() > freshMs) {
      throw new AppError('outside_geofence', { extra: { reason: 'position_stale' } });
    }
    const distance = haversineMeters(
      driver.current_lat,
      driver.current_lon,
      order.pickup_lat,
      order.pickup_lon,
    );
    if (distance > limitMeters) {
      throw new AppError('outside_geofence', {
        extra: {
          reason: 'too_far',
          distance_m: Math.round(distance),
          geofence_m: limitMeters,
        },
      });
    }
  }
  if (to === 'no_show') {
    const waitSeconds = deps.config.orders.noShowWaitSeconds;
    const waitedSeconds = order.arrived_at
      ? Math.floor((now.getTime() - order.arrived_at.getTime()) / 1000)
      : 0;
    if (waitedSeconds < waitSeconds) {
      throw new AppError('no_show_too_early', {
        extra: { waited_seconds: waitedSeconds, wait_seconds: waitSeconds },
      });
    }
  }
}

export async function changeOrderStatus(
  deps: ChangeStatusDeps,
  actor: UserActor,
  request: ChangeStatusRequest,
): Promise<OrderView> {
  const { orderId, to } = request;
  const now = deps.clock.now();
  await deps.db.transaction(async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order || !isOrderInScope(actor, order)) throw new AppError('not_found');
    const from = order.status as OrderStatus;
    checkRequest(actor, from, to);
    if (dispatchOnly.includes(to)) {
      throw new AppError('validation_failed', {
        fields: { status: ['Use POST /api/dispatch/assign/{order_id}/ to assign a driver'] },
      });
    }
    if (actor.role === 'driver') await checkDriverRules(deps, trx, order, to, now);

    await transitionOrder(
      trx,
      { orderId, to, actor, reason: request.reason ?? null, expectedStatuses: [from] },
      now,
      deps.config.dispatch,
    );
    if (from === 'offered') {
      const closed = await cancelPendingOfferOfOrder(trx, orderId, `order ${to}`, now);
      if (closed) {
        await oweAll(trx, [offerChanged(closed.offerId)]);
      }
    }
  });
  return requireOrderView(deps.db.knex, orderId, request.locale ?? deps.config.defaultLocale);
}
