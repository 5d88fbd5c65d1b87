/** dispatch endpoints of the contract. */
import type { AppDeps } from '../../../lib/deps.js';
import { runDispatchNow } from '../../../lib/dispatch/run-dispatch-now.js';
import { assignDriverManually } from '../../../lib/orders/assign-driver-manually.js';
import { assignBody, assignedDriverId } from '../../../lib/orders/order.schemas.js';
import { staffRoles } from '../middleware/authenticate.js';
import { Reply, type RouteRegistry } from '../route.js';
import { stringIdParam } from '../route-params.js';

const tag = 'dispatch';

export function registerDispatchRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'post',
    path: '/api/dispatch/assign/:order_id/',
    summary:
      'Staff: assign a chosen driver (409 driver_unavailable with extra.reason), or without ' +
      'driver_id run the engine now (200 when decided, 202 {status: "matching"} otherwise)',
    tag,
    access: staffRoles,
    body: assignBody,
    errors: [404, 409],
    handler: async ({ ctx, actor, body, params }) => {
      const orderId = stringIdParam(params, 'order_id');
      const locale = ctx.state.locale;
      const driverId = assignedDriverId(body.driver_id);
      if (driverId === undefined) {
        const result = await runDispatchNow(deps, actor, { orderId, locale });
        if (!result.decided) {
          return new Reply(202, { success: false, status: 'matching', order: result.order });
        }
        const { success, driver_id, reason, order } = result;
        return { success, driver_id, reason, order };
      }
      const order = await assignDriverManually(deps, actor, { orderId, driverId, locale });
      return { success: true, driver_id: driverId, reason: 'manual', order };
    },
  });
}
