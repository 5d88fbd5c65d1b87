/**
 * A socket follows one order: authorize, join its room, then read the snapshot. Joining
 * before reading means no change can fall between the snapshot and the first event (at
 * worst the client sees a version twice and drops it by `version`); authorizing before
 * joining means a refused socket never sits in the room, not even briefly.
 *
 * Scope, as for GET /api/orders/{id}/ (a passenger their own orders, a driver the orders
 * they hold, staff all), plus a driver the order they are being offered right now. Anything else is not_found (existence is not
 * revealed).
 */
import { findOrderParties, hasPendingOffer } from '../../db/repositories/realtime.repository.js';
import type { UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import { isOrderInScope } from '../orders/order-scope.js';
import { loadOrderView, type OrderView } from '../orders/order-view.js';

async function mayFollowOrder(
  deps: Pick<AppDeps, 'db'>,
  actor: UserActor,
  orderId: string,
): Promise<boolean> {
  const order = await findOrderParties(deps.db.knex, orderId);
  if (!order) return false;
  if (isOrderInScope(actor, order)) return true;
  // Beyond the REST scope: a driver may follow an order while it is offered to them.
  return (
    actor.role === 'driver' &&
    actor.driverId !== null &&
    hasPendingOffer(deps.db.knex, orderId, actor.driverId)
  );
}

export async function subscribeToOrder(
  deps: Pick<AppDeps, 'db'>,
  actor: UserActor,
  input: { orderId: string; locale: Locale; join: () => void | Promise<void> },
): Promise<OrderView> {
  const { orderId, locale, join } = input;
  if (!(await mayFollowOrder(deps, actor, orderId))) throw new AppError('not_found');
  await join();
  const order = await loadOrderView(deps.db.knex, orderId, locale);
  if (!order) throw new AppError('not_found');
  return order;
}
