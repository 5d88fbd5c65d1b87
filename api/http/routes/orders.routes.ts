/** orders endpoints of the contract: booking, reads within scope, status changes, withdrawal. */
import * as yup from 'yup';
import type { UserActor } from '../../../lib/auth/actor.js';
import type { AppDeps } from '../../../lib/deps.js';
import { changeOrderStatus } from '../../../lib/orders/change-order-status.js';
import { createOrder } from '../../../lib/orders/create-order.js';
import {
  changeStatusBody,
  createOrderBody,
  orderListQuery,
  withdrawBody,
  type OrderListQuery,
} from '../../../lib/orders/order.schemas.js';
import {
  getOrder,
  getOrderEvents,
  listOrdersInScope,
  type OrderListRequest,
} from '../../../lib/orders/read-orders.js';
import { withdrawFromOrder } from '../../../lib/orders/withdraw-from-order.js';
import { parseInput } from '../../../lib/validation/parse-input.js';
import type { AppContext } from '../context.js';
import { Reply, routeAction, type RouteRegistry } from '../route.js';
import { idParam, stringIdParam } from '../route-params.js';

const tag = 'orders';
const idempotencyKeySchema = yup.object({
  'idempotency-key': yup
    .string()
    .matches(/^[\x21-\x7e]{1,200}$/, 'Use 1 to 200 visible ASCII characters'),
});

/** The order actions the mobile app's paths serve too (`/api/mobile/orders/…`). */
export function orderActions(deps: AppDeps) {
  return {
    changeStatus: routeAction({
      method: 'patch',
      response: 'Order',
      access: 'authenticated',
      body: changeStatusBody,
      errors: [404, 409],
      handler: ({ ctx, actor, body, params }) =>
        changeOrderStatus(deps, actor, {
          orderId: stringIdParam(params),
          to: body.status,
          reason: body.reason,
          locale: ctx.state.locale,
        }),
    }),
  };
}

export function registerOrdersRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const actions = orderActions(deps);
  const list = (
    ctx: AppContext,
    actor: UserActor,
    query: OrderListQuery,
    party?: OrderListRequest['party'],
  ) =>
    listOrdersInScope(deps, actor, {
      query,
      url: ctx.href,
      locale: ctx.state.locale,
      party,
    });

  routes.add({
    method: 'get',
    path: '/api/orders/',
    response: 'OrderPage',
    summary:
      'Orders in the caller’s scope (passenger: own; driver: assigned; staff: all), newest first',
    tag,
    access: 'authenticated',
    query: orderListQuery,
    handler: ({ ctx, actor, query }) => list(ctx, actor, query),
  });

  routes.add({
    method: 'post',
    path: '/api/orders/',
    response: 'Order',
    summary: 'Book a ride (a passenger for themself; staff with passenger_id)',
    tag,
    access: ['passenger', 'dispatcher', 'admin'],
    body: createOrderBody,
    status: 201,
    errors: [404, 413],
    headers: [
      {
        name: 'Idempotency-Key',
        description:
          'Retry-safe booking: the same key from the same user answers 200 with the first order',
      },
    ],
    handler: async ({ ctx, actor, body }) => {
      const headers = parseInput(idempotencyKeySchema, {
        'idempotency-key': ctx.get('idempotency-key') || undefined,
      });
      const { order, replayed } = await createOrder(deps, actor, {
        order: body,
        idempotencyKey: headers['idempotency-key'] ?? null,
        locale: ctx.state.locale,
      });
      if (replayed) ctx.set('Idempotent-Replayed', 'true');
      return new Reply(replayed ? 200 : 201, order);
    },
  });

  routes.add({
    method: 'get',
    path: '/api/orders/passenger/:id/',
    response: 'OrderPage',
    summary: 'A passenger’s orders (the passenger themself or staff)',
    tag,
    access: 'authenticated',
    query: orderListQuery,
    errors: [404],
    handler: ({ ctx, actor, query, params }) =>
      list(ctx, actor, query, { passengerId: idParam(params) }),
  });

  routes.add({
    method: 'get',
    path: '/api/orders/driver/:id/',
    response: 'OrderPage',
    summary: 'A driver’s orders (the driver themself or staff)',
    tag,
    access: 'authenticated',
    query: orderListQuery,
    errors: [404],
    handler: ({ ctx, actor, query, params }) =>
      list(ctx, actor, query, { driverId: idParam(params) }),
  });

  routes.add({
    method: 'get',
    path: '/api/orders/:id/',
    response: 'Order',
    summary: 'One order (404 outside the caller’s scope)',
    tag,
    access: 'authenticated',
    errors: [404],
    handler: ({ ctx, actor, params }) =>
      getOrder(deps, actor, { orderId: stringIdParam(params), locale: ctx.state.locale }),
  });

  routes.add({
    method: 'get',
    path: '/api/orders/:id/events/',
    response: 'OrderEvents',
    summary: 'The order’s history: from, to, who, why, when',
    tag,
    access: 'authenticated',
    errors: [404],
    handler: ({ actor, params }) => getOrderEvents(deps, actor, { orderId: stringIdParam(params) }),
  });

  routes.add({
    ...actions.changeStatus,
    path: '/api/orders/:id/status/',
    summary: 'Change the status (role rules, driver geofence and no-show wait); 409 if illegal',
    tag,
  });

  routes.add({
    method: 'post',
    path: '/api/orders/:id/withdraw/',
    response: 'Order',
    summary: 'The assigned driver gives the order back before the ride (back to matching)',
    tag,
    access: ['driver'],
    body: withdrawBody,
    errors: [404, 409],
    handler: ({ ctx, actor, body, params }) =>
      withdrawFromOrder(deps, actor, {
        orderId: stringIdParam(params),
        reason: body.reason,
        locale: ctx.state.locale,
      }),
  });
}
