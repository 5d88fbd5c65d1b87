/**
 * The later Invo Taxi app's order paths (`/api/mobile/orders/…`, and the passenger's and
 * driver's order, offer and active-order paths) as thin aliases of our use cases. What has
 * no equivalent here (prices, quotes, routes, statistics, a driver editing their vehicle)
 * answers 404 `not_implemented` in the error shape (never a 5xx: nothing failed).
 */
import { acceptOffer, declineOffer } from '../../../../lib/dispatch/answer-offer.js';
import { listOwnPendingOffers } from '../../../../lib/dispatch/offer-view.js';
import type { UserActor } from '../../../../lib/auth/actor.js';
import type { AppDeps } from '../../../../lib/deps.js';
import { AppError } from '../../../../lib/errors/app-error.js';
import { changeOrderStatus } from '../../../../lib/orders/change-order-status.js';
import { createOrder } from '../../../../lib/orders/create-order.js';
import {
  driverHoldingStatuses,
  orderStatuses,
  terminalStatuses,
  type OrderStatus,
} from '../../../../lib/orders/order-status.js';
import {
  changeStatusBody,
  createOrderBody,
  orderListQuery,
} from '../../../../lib/orders/order.schemas.js';
import { getOrder, listOrdersInScope } from '../../../../lib/orders/read-orders.js';
import { parseInput } from '../../../../lib/validation/parse-input.js';
import type { AppContext } from '../../context.js';
import type { Method, RouteRegistry } from '../../route.js';
import { idParam, stringIdParam } from '../../route-params.js';
import { declineBody } from '../offers.routes.js';
import { orderActions } from '../orders.routes.js';
import { mobileOrdersQuery, mobileTag } from './mobile-accounts.routes.js';
import { mobileActiveOrder, mobileList, mobileMessages, mobileOffer } from './mobile-views.js';

/** What the original app calls an active order, per party (its own lists, from our rules). */
const activeStatuses = {
  passenger: orderStatuses.filter((s) => s !== 'draft' && !terminalStatuses.includes(s)),
  driver: driverHoldingStatuses.filter((s) => s !== 'incident'),
} satisfies Record<string, readonly OrderStatus[]>;

/** Endpoints of the original with no equivalent here. */
const notImplemented: [Method, string, string][] = [
  ['patch', '/api/mobile/drivers/profile/', 'vehicle data is kept by the back office'],
  ['get', '/api/mobile/drivers/statistics/', 'no driver statistics'],
  ['get', '/api/mobile/orders/quote/', 'no fares'],
  ['get', '/api/mobile/orders/:id/route/', 'no route engine'],
  ['get', '/api/mobile/orders/:id/price-breakdown/', 'no fares'],
];

export function registerMobileWorkRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const tag = mobileTag;
  const locale = (ctx: AppContext) => ctx.state.locale;

  /** The caller's own orders through the list use case: scope, filters and order are its. */
  const ownOrders = (ctx: AppContext, actor: UserActor, status: string | undefined, n: number) => {
    const query = parseInput(orderListQuery, { page_size: n, ...(status ? { status } : {}) });
    return listOrdersInScope(deps, actor, { query, url: ctx.href, locale: locale(ctx) });
  };
  const activeOrder = async (ctx: AppContext, actor: UserActor, party: 'passenger' | 'driver') => {
    const page = await ownOrders(ctx, actor, activeStatuses[party].join(','), 1);
    return mobileActiveOrder(page.results[0]);
  };

  for (const party of ['passenger', 'driver'] as const) {
    const base = `/api/mobile/${party}s`;
    routes.add({
      method: 'get',
      path: `${base}/orders/`,
      summary: `The ${party}'s own orders, newest first, as {count, results} (GET /api/orders/); ?status= comma list, ?limit= (20)`,
      tag,
      access: [party],
      query: mobileOrdersQuery,
      handler: async ({ ctx, actor, query }) =>
        mobileList(await ownOrders(ctx, actor, query.status, query.limit)),
    });
    routes.add({
      method: 'get',
      path: `${base}/active-order/`,
      summary: `The ${party}'s newest active order with has_active_order (and driver_position), or {has_active_order: false, order: null}`,
      tag,
      access: [party],
      handler: ({ ctx, actor }) => activeOrder(ctx, actor, party),
    });
    routes.add({
      method: 'get',
      path: `${base}/order/:order_id/`,
      response: 'Order',
      summary: 'Alias of GET /api/orders/{id}/ (404 outside the caller’s scope)',
      tag,
      access: [party],
      errors: [404],
      handler: ({ ctx, actor, params }) =>
        getOrder(deps, actor, { orderId: stringIdParam(params, 'order_id'), locale: locale(ctx) }),
    });
  }

  routes.add({
    method: 'get',
    path: '/api/mobile/drivers/offers/',
    summary:
      'The driver’s pending offers as {count, results} in the original’s fields (offer_id, distance_km, …)',
    tag,
    access: ['driver'],
    handler: async ({ actor }) => {
      const offers = await listOwnPendingOffers(deps, actor);
      return { count: offers.length, results: offers.map(mobileOffer) };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/mobile/drivers/offer/:offer_id/accept/',
    summary:
      'Alias of POST /api/dispatch/offers/{id}/accept/; answers {success, order_id, driver_id, message, order}',
    tag,
    access: ['driver'],
    errors: [404, 409],
    handler: async ({ ctx, actor, params }) => {
      const offerId = idParam(params, 'offer_id');
      const order = await acceptOffer(deps, actor, { offerId, locale: locale(ctx) });
      return {
        success: true,
        order_id: order.id,
        driver_id: actor.driverId,
        message: mobileMessages.offerAccepted![locale(ctx)],
        order,
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/mobile/drivers/offer/:offer_id/decline/',
    summary: 'Alias of POST /api/dispatch/offers/{id}/decline/; answers {success, message}',
    tag,
    access: ['driver'],
    body: declineBody,
    errors: [404, 409],
    handler: async ({ ctx, actor, params, body }) => {
      await declineOffer(deps, actor, {
        offerId: idParam(params, 'offer_id'),
        reason: body.reason,
      });
      return { success: true, message: mobileMessages.offerDeclined![locale(ctx)] };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/mobile/orders/create/',
    response: 'Order',
    summary: 'Alias of POST /api/orders/ (the passenger books for themself)',
    tag,
    access: ['passenger'],
    body: createOrderBody,
    status: 201,
    errors: [404],
    handler: async ({ ctx, actor, body }) => {
      const booked = await createOrder(deps, actor, {
        order: body,
        idempotencyKey: null,
        locale: locale(ctx),
      });
      return booked.order;
    },
  });

  routes.add({
    method: 'post',
    path: '/api/mobile/orders/:id/cancel/',
    summary:
      'Cancel as PATCH /api/orders/{id}/status/ {status: cancelled}; answers {order, cancel_fee: null, cancel_fee_details: null}',
    tag,
    access: ['passenger', 'driver'],
    body: changeStatusBody.pick(['reason']),
    errors: [404, 409],
    handler: async ({ ctx, actor, body, params }) => {
      const order = await changeOrderStatus(deps, actor, {
        orderId: stringIdParam(params),
        to: 'cancelled',
        reason: body.reason ?? null,
        locale: locale(ctx),
      });
      return { order, cancel_fee: null, cancel_fee_details: null };
    },
  });

  routes.add({
    ...orderActions(deps).changeStatus,
    path: '/api/mobile/orders/:id/status/',
    summary: 'Alias of PATCH /api/orders/{id}/status/ (illegal transitions are 409, not 400)',
    tag,
  });

  for (const [method, path, why] of notImplemented) {
    routes.add({
      method,
      path,
      summary: `No equivalent here (${why}): 404 not_implemented`,
      tag,
      access: 'authenticated',
      status: 404,
      errors: [404],
      handler: () => Promise.reject(new AppError('not_implemented', { extra: { reason: why } })),
    });
  }
}
