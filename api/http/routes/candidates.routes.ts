/** GET /api/dispatch/candidates/{order_id}/: the engine's ranking, for staff. */
import type { AppDeps } from '../../../lib/deps.js';
import { listOrderCandidates } from '../../../lib/dispatch/list-order-candidates.js';
import type { RankedCandidate } from '../../../lib/dispatch/rank-candidates.js';
import { staffRoles } from '../middleware/authenticate.js';
import type { RouteRegistry } from '../route.js';
import { stringIdParam } from '../route-params.js';

/** The original dashboard read the factors from `priority {region_match, order_count, distance}`. */
const withOriginalPriority = (candidate: RankedCandidate) => ({
  ...candidate,
  priority: {
    region_match: candidate.region_match,
    order_count: candidate.trips_today,
    distance: candidate.distance_m,
  },
});

export function registerCandidatesRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/dispatch/candidates/:order_id/',
    summary:
      'Staff: the drivers the engine would offer this order to, best first, with each ' +
      'ranking factor (region match, trips today, accessible reserve, distance, score), ' +
      'also as the original’s priority {region_match, order_count, distance}, and ' +
      "each pair's cost terms in metres (pickup, other region, fairness, accessible reserve, " +
      'urgency credit, total)',
    tag: 'dispatch',
    access: staffRoles,
    errors: [404],
    response: 'OrderCandidates',
    handler: async ({ actor, params }) => {
      const view = await listOrderCandidates(deps, actor, {
        orderId: stringIdParam(params, 'order_id'),
      });
      return { ...view, candidates: view.candidates.map(withOriginalPriority) };
    },
  });
}
