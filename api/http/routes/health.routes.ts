/** Liveness and readiness. Readiness checks PostgreSQL and Redis, and turns off while draining. */
import type { AppDeps } from '../../../lib/deps.js';
import { checkReadiness } from '../../../lib/health/readiness.js';
import type { AppRouter } from '../context.js';

export function registerHealthRoutes(
  router: AppRouter,
  deps: AppDeps,
  isDraining: () => boolean,
): void {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const report = await checkReadiness(deps, isDraining());
    ctx.status = report.ready ? 200 : 503;
    ctx.body = report;
  });
}
