/**
 * Requests refused before any route runs, in the contract's error shape: methods no route
 * uses (TRACE, PROPFIND, LOCK…: 405, not Node's 501 in plain text), and API writes whose body
 * is not JSON (415: a form or text body used to be read as an empty object).
 */
import type { Middleware } from 'koa';
import { AppError } from '../../../lib/errors/app-error.js';
import type { AppState } from '../context.js';

export const servedMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export const refuseUnknownMethods: Middleware<AppState> = async (ctx, next) => {
  if (!servedMethods.includes(ctx.method)) {
    ctx.set('Allow', servedMethods.join(', '));
    throw new AppError('method_not_allowed');
  }
  await next();
};

/** A route that takes a raw file (its spec's `fileBody`) instead of JSON. */
export interface FileBodyRoute {
  method: string;
  /** Koa path with `:params`. */
  path: string;
  fileBody?: { mediaTypes: string[] };
}

const pathPattern = (path: string) =>
  new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[a-z_]+/g, '[^/]+')}$`);

/**
 * API writes must be JSON, except on the routes that declare a file body, which take exactly
 * their declared media types (the handler reads the file itself).
 */
export function requireJsonBody(routes: readonly FileBodyRoute[]): Middleware<AppState> {
  const fileRoutes = routes
    .filter((route) => route.fileBody)
    .map((route) => ({
      method: route.method.toUpperCase(),
      pattern: pathPattern(route.path),
      mediaTypes: route.fileBody?.mediaTypes ?? [],
    }));
  return async (ctx, next) => {
    const hasBody =
      Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
    if (ctx.path.startsWith('/api/') && hasBody && !ctx.is('application/json', '+json')) {
      const fileRoute = fileRoutes.find(
        (route) => route.method === ctx.method && route.pattern.test(ctx.path),
      );
      if (!fileRoute || !ctx.is(fileRoute.mediaTypes)) {
        throw new AppError('unsupported_media_type');
      }
    }
    await next();
  };
}
