/** The back office's audit trail (`GET /api/audit/`), newest first. */
import * as yup from 'yup';
import { auditEntityTypes, listAuditEntries } from '../../../lib/audit/audit-trail.js';
import type { AppDeps } from '../../../lib/deps.js';
import { buildPage, listQuery } from '../../../lib/pagination/paginate.js';
import { staffRoles } from '../middleware/authenticate.js';
import type { RouteRegistry } from '../route.js';

const auditQuery = listQuery({
  entity_type: yup.string().oneOf(auditEntityTypes),
  entity_id: yup.string().max(64),
  actor_user_id: yup.number().integer().positive(),
});

export function registerAuditRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/audit/',
    summary:
      'Back-office changes: who, what, when (staff); filters entity_type, entity_id, actor_user_id',
    tag: 'audit',
    access: staffRoles,
    query: auditQuery,
    handler: async ({ ctx, actor, query }) => {
      const { page, page_size, ...filters } = query;
      const request = { page, page_size };
      const { count, results } = await listAuditEntries(deps, actor, { filters, page: request });
      return buildPage({ url: ctx.href, request, count, results });
    },
  });
}
