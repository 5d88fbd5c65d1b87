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

export const requireJsonBody: Middleware<AppState> = async (ctx, next) => {
  const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
  if (ctx.path.startsWith('/api/') && hasBody && !ctx.is('application/json', '+json')) {
    throw new AppError('unsupported_media_type');
  }
  await next();
};
