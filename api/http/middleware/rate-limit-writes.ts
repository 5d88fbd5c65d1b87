/** Limits writes under /api/: per user when signed in, per client IP otherwise. */
import type { Middleware } from 'koa';
import type { WriteRateLimiter } from '../../../lib/security/write-rate-limit.js';
import type { AppState } from '../context.js';

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function rateLimitWrites(limiter: WriteRateLimiter): Middleware<AppState> {
  return async (ctx, next) => {
    if (writeMethods.has(ctx.method) && ctx.path.startsWith('/api/')) {
      const actor = ctx.state.actor;
      await limiter.consume(actor ? { userId: actor.userId } : { ip: ctx.ip });
    }
    await next();
  };
}
