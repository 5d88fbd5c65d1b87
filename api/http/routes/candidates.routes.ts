/** GET /api/dispatch/candidates/{order_id}/: the engine's ranking, for staff. */
import type { AppDeps } from '../../../lib/deps.js';
import { listOrderCandidates } from '../../../lib/dispatch/list-order-candidates.js';
import { staffRoles } from '../middleware/authenticate.js';
import type { RouteRegistry } from '../route.js';

export function registerCandidatesRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/dispatch/candidates/:order_id/',
    summary:
      'Staff: the drivers the engine would offer this order to, best first, with each ' +
      'ranking factor (region match, trips today, accessible reserve, distance, score) and ' +
      "each pair's cost terms in metres (pickup, other region, fairness, accessible reserve, " +
      'urgency credit, total)',
    tag: 'dispatch',
    access: staffRoles,
    errors: [404],
    response: 'OrderCandidates',
    handler: ({ params }) => listOrderCandidates(deps, params.order_id ?? ''),
  });
}
