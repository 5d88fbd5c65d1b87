/**
 * The Koa application, without `listen`, so tests can mount it on port 0. Middleware order:
 * request context (id, locale, log) → security headers, CORS, request metrics → errors in the
 * contract's shape → unknown methods (405) → /metrics → non-JSON API bodies (415) → body
 * parsing → authentication → write rate limits → /admin (Bull Board) → /console (the
 * dispatcher console's files) → routes.
 */
import Koa from 'koa';
import { Router } from '@koa/router';
import { HttpMethodEnum, koaBody } from 'koa-body';
import type { AppDeps } from '../../lib/deps.js';
import { AppError } from '../../lib/errors/app-error.js';
import type { AppState } from './context.js';
import { authenticate } from './middleware/authenticate.js';
import { corsForOrigins } from './middleware/cors.js';
import { metricsEndpoint, observeHttpRequests } from './middleware/http-metrics.js';
import { rateLimitWrites } from './middleware/rate-limit-writes.js';
import { refuseUnknownMethods, requireJsonBody } from './middleware/request-shape.js';
import { securityHeaders } from './middleware/security-headers.js';
import { createHttpMetrics } from '../../lib/metrics/http-metrics.js';
import { createMetricsRegistry } from '../../lib/metrics/metrics-registry.js';
import { createWriteRateLimiter } from '../../lib/security/write-rate-limit.js';
import { adminPages } from './routes/admin.routes.js';
import { consolePages } from './routes/console.routes.js';
import { errorHandler } from './middleware/error-handler.js';
import { requestContext, trailingSlash } from './middleware/request-context.js';
import { buildOpenApiDocument } from './openapi/openapi-document.js';
import { responseSchemas } from './openapi/response-schemas.js';
import { createRouteRegistry } from './route.js';
import { registerAuditRoutes } from './routes/audit.routes.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerCandidatesRoutes } from './routes/candidates.routes.js';
import { registerDispatchRoutes } from './routes/dispatch.routes.js';
import { registerDocsRoutes } from './routes/docs.routes.js';
import { registerOffersRoutes } from './routes/offers.routes.js';
import { registerDriversRoutes } from './routes/drivers.routes.js';
import { registerImportsRoutes } from './routes/imports.routes.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerMobileRoutes } from './routes/mobile/index.js';
import { registerOrdersRoutes } from './routes/orders.routes.js';
import { registerOutboxRoutes } from './routes/outbox.routes.js';
import { registerPassengersRoutes } from './routes/passengers.routes.js';
import { registerRegionsRoutes } from './routes/regions.routes.js';
import { registerReportsRoutes } from './routes/reports.routes.js';
import { registerUsersRoutes } from './routes/users.routes.js';

export interface HttpApp {
  app: Koa<AppState>;
  /** Marks the app as draining: /readyz answers 503 so load balancers stop sending traffic. */
  startDraining(): void;
}

export function createHttpApp(deps: AppDeps): HttpApp {
  const app = new Koa<AppState>();
  app.proxy = deps.config.http.trustProxy;
  let draining = false;

  const router = new Router<AppState>();
  const routes = createRouteRegistry(router);
  registerAuthRoutes(routes, deps);
  registerRegionsRoutes(routes, deps);
  registerPassengersRoutes(routes, deps);
  registerDriversRoutes(routes, deps);
  registerUsersRoutes(routes, deps);
  registerAuditRoutes(routes, deps);
  registerImportsRoutes(routes, deps);
  registerOrdersRoutes(routes, deps);
  registerDispatchRoutes(routes, deps);
  registerCandidatesRoutes(routes, deps);
  registerOffersRoutes(routes, deps);
  registerReportsRoutes(routes, deps);
  registerMobileRoutes(routes, deps);
  registerOutboxRoutes(routes, deps);
  registerHealthRoutes(router, deps, () => draining);
  let document: Record<string, unknown> | undefined;
  registerDocsRoutes(
    router,
    () => (document ??= buildOpenApiDocument(routes.specs, responseSchemas)),
  );

  const metrics = createMetricsRegistry();
  app.use(requestContext(deps.logger, deps.config.defaultLocale));
  app.use(securityHeaders(deps.config.isProduction));
  app.use(corsForOrigins(deps.config.http.corsOrigins));
  app.use(observeHttpRequests(createHttpMetrics(metrics)));
  app.use(errorHandler);
  app.use(refuseUnknownMethods);
  app.use(metricsEndpoint(metrics, deps.config.metrics.token));
  app.use(trailingSlash);
  app.use(requireJsonBody(routes.specs));
  app.use(
    koaBody({
      json: true,
      jsonStrict: true,
      urlencoded: false,
      text: false,
      multipart: false,
      jsonLimit: `${deps.config.http.bodyLimitKb}kb`,
      parsedMethods: [
        HttpMethodEnum.POST,
        HttpMethodEnum.PUT,
        HttpMethodEnum.PATCH,
        HttpMethodEnum.DELETE,
      ],
    }),
  );
  app.use(authenticate(deps));
  app.use(
    rateLimitWrites(
      createWriteRateLimiter(deps.redis, deps.config.redis.prefix, deps.config.rateLimit),
    ),
  );
  app.use(adminPages(deps));
  app.use(consolePages(deps.config));
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new AppError('method_not_allowed'),
      notImplemented: () => new AppError('method_not_allowed'),
    }),
  );

  return {
    app,
    startDraining: () => {
      draining = true;
    },
  };
}
