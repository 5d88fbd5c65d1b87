/** The operator's view of dead-lettered outbox rows, and their replay (admins only). */
import type { AppDeps } from '../../../lib/deps.js';
import { listDeadLetters, replayDeadLetter } from '../../../lib/outbox/dead-letters.js';
import { buildPage, paginationQuery } from '../../../lib/pagination/paginate.js';
import { idParam } from '../route-params.js';
import type { RouteRegistry } from '../route.js';

export function registerOutboxRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/admin/outbox/dead-letters/',
    summary:
      'Outbox rows the relay could not publish and set aside, newest first, with their last error (admin)',
    tag: 'operations',
    access: ['admin'],
    query: paginationQuery,
    response: 'DeadLetterPage',
    handler: async ({ ctx, actor, query }) => {
      const { count, results } = await listDeadLetters(deps, actor, query);
      return buildPage({ url: ctx.href, request: query, count, results });
    },
  });
  routes.add({
    method: 'post',
    path: '/api/admin/outbox/dead-letters/:id/replay/',
    summary: 'Puts a dead-lettered row back in line with fresh attempts (admin)',
    tag: 'operations',
    access: ['admin'],
    status: 202,
    errors: [404],
    response: 'DeadLetterReplay',
    handler: ({ actor, params }) => replayDeadLetter(deps, actor, { id: idParam(params) }),
  });
}
