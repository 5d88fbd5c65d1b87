/** Reports for the operator (staff only). */
import type { AppDeps } from '../../../lib/deps.js';
import { buildDispatchQualityReport } from '../../../lib/quality/dispatch-quality-report.js';
import {
  dispatchQualityQuery,
  maxReportDays,
} from '../../../lib/quality/dispatch-quality.schemas.js';
import { staffRoles } from '../middleware/authenticate.js';
import type { RouteRegistry } from '../route.js';

export function registerReportsRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/reports/dispatch-quality/',
    summary:
      'Staff: dispatch quality per region and local day (orders, time to assignment p50/p90, ' +
      'pickup distance, wheelchair service, declined/expired offers, driver trips Gini); ' +
      `at most ${maxReportDays} days; see docs/quality-report.md`,
    tag: 'reports',
    access: staffRoles,
    query: dispatchQualityQuery,
    errors: [404],
    response: 'DispatchQualityReport',
    handler: ({ query }) => buildDispatchQualityReport(deps, query),
  });
}
