/** Request id (kept from `x-request-id` when sane), locale, a child logger, an access log. */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { pickLocale, type Locale } from '../../../lib/i18n/messages.js';
import type { Logger } from '../../../lib/logger/logger.js';
import { isRequestId, runWithRequestId } from '../../../lib/logger/request-scope.js';
import type { AppState } from '../context.js';

export function requestContext(logger: Logger, defaultLocale: Locale): Middleware<AppState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = isRequestId(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.locale = pickLocale(ctx.get('accept-language') || undefined, defaultLocale);
    ctx.state.log = logger.child({ requestId });
    ctx.set('x-request-id', requestId);
    const started = process.hrtime.bigint();
    try {
      // Outbox rows and jobs written while serving this request carry its id.
      await runWithRequestId(requestId, next);
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.state.log.info(
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          durationMs: Math.round(durationMs),
        },
        'request',
      );
    }
  };
}

/** The contract's paths end with `/`; the same path without it is accepted too. */
export const trailingSlash: Middleware<AppState> = async (ctx, next) => {
  if (ctx.path.startsWith('/api/') && !ctx.path.endsWith('/') && !ctx.path.includes('.')) {
    ctx.path = `${ctx.path}/`;
  }
  await next();
};
