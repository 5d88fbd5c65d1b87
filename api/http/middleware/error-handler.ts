/**
 * The one place that maps errors to HTTP: AppError codes to statuses and localised
 * messages in the contract's shape `{error, code, fields?, ...}`. Anything else is a 500 whose
 * details stay in the log.
 */
import type { Middleware } from 'koa';
import { AppError, type ErrorCode } from '../../../lib/errors/app-error.js';
import { errorMessages, type Locale } from '../../../lib/i18n/messages.js';
import { isRedisUnavailable } from '../../../lib/redis/redis.js';
import type { AppState } from '../context.js';

export const httpStatusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_code: 400,
  code_expired: 400,
  unauthorized: 401,
  invalid_token: 401,
  token_revoked: 401,
  forbidden: 403,
  profile_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_transition: 409,
  conflict: 409,
  driver_unavailable: 409,
  offer_closed: 409,
  outside_geofence: 409,
  no_show_too_early: 409,
  profile_exists: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  not_implemented: 404,
  service_unavailable: 503,
};

export function errorBody(error: AppError, locale: Locale): Record<string, unknown> {
  return {
    ...error.extra,
    error: error.customMessage ?? errorMessages[error.code][locale],
    code: error.code,
    ...(error.fields ? { fields: error.fields } : {}),
  };
}

/** Errors thrown by Koa and its body parser carry an HTTP status; keep it, in our shape. */
function fromHttpError(e: unknown): AppError | null {
  const status = (e as { status?: number; statusCode?: number }).status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  if (status === 413) return new AppError('payload_too_large');
  if (status === 415) return new AppError('unsupported_media_type');
  if (status === 401) return new AppError('unauthorized');
  if (status === 404) return new AppError('not_found');
  if (status === 405) return new AppError('method_not_allowed');
  return new AppError('validation_failed', {
    message: status === 400 ? undefined : (e as Error).message,
  });
}

/**
 * Database errors that are the caller's fault: a referenced row that is missing, etc. pg puts
 * the SQLSTATE in `code`; objection wraps it (UniqueViolationError…) under `nativeError`.
 */
function fromDatabaseError(e: unknown): AppError | null {
  const error = e as { code?: unknown; nativeError?: { code?: unknown } };
  const code = typeof error.code === 'string' ? error.code : error.nativeError?.code;
  if (code === '23503')
    return new AppError('validation_failed', { message: 'referenced record does not exist' });
  if (code === '23505') return new AppError('conflict');
  if (code === '22P02' || code === '22003') return new AppError('validation_failed');
  // The database is unreachable, refusing connections, or our pool is exhausted: the
  // contract's 503, so clients retry instead of treating it as a bug.
  if (
    code === 'ECONNREFUSED' ||
    // A deadlock or serialization failure that outlived db/database's retries.
    code === '40001' ||
    code === '40P01' ||
    code === '53300' ||
    code === '57P01' ||
    code === '57P03' ||
    (e as { name?: unknown }).name === 'KnexTimeoutError' ||
    // Redis away (down, or no answer within REDIS_COMMAND_TIMEOUT_MS): retry later, too.
    isRedisUnavailable(e)
  ) {
    return new AppError('service_unavailable');
  }
  return null;
}

export const errorHandler: Middleware<AppState> = async (ctx, next) => {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) throw new AppError('not_found');
  } catch (e: unknown) {
    const appError = e instanceof AppError ? e : (fromHttpError(e) ?? fromDatabaseError(e) ?? null);
    if (appError) {
      ctx.status = httpStatusOf[appError.code];
      ctx.body = errorBody(appError, ctx.state.locale);
      ctx.set('Cache-Control', 'no-store');
      if (
        appError.code === 'rate_limited' &&
        typeof appError.extra.retry_after_seconds === 'number'
      ) {
        ctx.set('Retry-After', String(appError.extra.retry_after_seconds));
      }
      return;
    }
    ctx.state.log.error({ err: e }, 'unhandled error');
    ctx.status = 500;
    ctx.body = errorBody(new AppError('internal_error'), ctx.state.locale);
    ctx.set('Cache-Control', 'no-store');
  }
};
