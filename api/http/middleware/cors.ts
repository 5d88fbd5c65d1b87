/**
 * CORS for browser clients (the dispatcher console): only the origins listed in CORS_ORIGINS
 * get CORS headers; with the list empty, browsers may call the API from its own origin only.
 * Mobile apps are not browsers and are not affected. No cookies cross origins (bearer tokens).
 */
import cors from '@koa/cors';
import type { Middleware } from 'koa';
import type { AppState } from '../context.js';

export function corsForOrigins(origins: string[]): Middleware<AppState> {
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowed.has(origin) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: [
      'Authorization',
      'Content-Type',
      'Accept-Language',
      'Idempotency-Key',
      'X-Request-Id',
    ],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
    credentials: false,
  });
}
