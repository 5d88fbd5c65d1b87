/**
 * The assigned driver gives an order back before the ride starts. The order returns to
 * matching (transitionOrder frees the driver and owes a fresh dispatch job) and the driver is
 * excluded from this order, so the engine never offers it to them again. Both in one
 * transaction: a withdrawal is never half-recorded.
 */
import { excludeDriver } from '../../db/repositories/matching.repository.js';
import { lockOrder } from '../../db/repositories/order.repository.js';
import type { UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import type { OrderStatus } from './order-status.js';
import { requireOrderView, type OrderView } from './order-view.js';
import { invalidTransition, transitionOrder } from './transition-order.js';

const withdrawableFrom: readonly OrderStatus[] = ['assigned', 'driver_en_route'];

export async function withdrawFromOrder(
  deps: Pick<AppDeps, 'db' | 'config' | 'clock'>,
  actor: UserActor,
  request: { orderId: string; reason: string; locale: Locale },
): Promise<OrderView> {
  const now = deps.clock.now();
  const orderId = await deps.db.transaction(async (trx) => {
    const order = await lockOrder(trx, request.orderId);
    const driverId = actor.driverId;
    if (!order || driverId === null || order.driver_id !== driverId) {
      throw new AppError('not_found');
    }
    const from = order.status as OrderStatus;
    if (!withdrawableFrom.includes(from)) throw invalidTransition(from, 'matching');
    await excludeDriver(trx, order.id, driverId, 'withdrew');
    const result = await transitionOrder(
      trx,
      {
        orderId: order.id,
        to: 'matching',
        actor,
        reason: request.reason,
        expectedStatuses: withdrawableFrom,
        eventData: { withdrawn_driver_id: driverId },
      },
      now,
      deps.config.dispatch,
    );
    return result.order.id;
  });
  return requireOrderView(deps.db.knex, orderId, request.locale);
}
