/**
 * Times every request for Prometheus, labelled by the route template (never the raw path,
 * whose ids would make a series per order), and serves `GET /metrics`.
 */
import type { Middleware } from 'koa';
import type { Registry } from 'prom-client';
import type { HttpMetrics } from '../../../lib/metrics/http-metrics.js';
import { isMetricsScrapeAllowed } from '../../../lib/metrics/metrics-access.js';
import { renderMetrics } from '../../../lib/metrics/metrics-registry.js';
import { AppError } from '../../../lib/errors/app-error.js';
import type { AppState } from '../context.js';

function routeTemplate(ctx: { path: string; _matchedRoute?: unknown }): string {
  if (typeof ctx._matchedRoute === 'string') return ctx._matchedRoute;
  if (ctx.path === '/metrics') return '/metrics';
  if (ctx.path.startsWith('/admin/')) return '/admin/*';
  return 'unmatched';
}

export function observeHttpRequests(metrics: HttpMetrics): Middleware<AppState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      metrics.observe({
        method: ctx.method,
        route: routeTemplate(ctx),
        status: ctx.status,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    }
  };
}

/** `GET /metrics`, before authentication: METRICS_TOKEN, when set, is not a user's JWT. */
export function metricsEndpoint(registry: Registry, token: string): Middleware<AppState> {
  return async (ctx, next) => {
    if (ctx.path !== '/metrics' || ctx.method !== 'GET') {
      await next();
      return;
    }
    if (!isMetricsScrapeAllowed(ctx.get('authorization') || undefined, token)) {
      throw new AppError('unauthorized');
    }
    const rendered = await renderMetrics(registry);
    ctx.type = rendered.contentType;
    ctx.body = rendered.body;
  };
}
