/**
 * The one error type of the domain. `code` is stable and machine-readable; the HTTP status
 * and the human message are derived from it at the edge (api/http/middleware/error-handler).
 */
export const errorCodes = [
  'validation_failed',
  'unauthorized',
  'invalid_token',
  'token_revoked',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'invalid_transition',
  'conflict',
  'driver_unavailable',
  'offer_closed',
  'outside_geofence',
  'no_show_too_early',
  'profile_exists',
  'profile_required',
  'invalid_code',
  'code_expired',
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  'service_unavailable',
  'internal_error',
  /** An endpoint of the original Invo Taxi API that has no equivalent here (prices, routes…). */
  'not_implemented',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export type FieldErrors = Record<string, string[]>;

export interface AppErrorDetails {
  /** Per-field validation messages (already human-readable). */
  fields?: FieldErrors;
  /** Extra machine-readable properties merged into the error body. */
  extra?: Record<string, unknown>;
  /** Overrides the catalogue message, for a reason that only this call knows. */
  message?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldErrors | undefined;
  readonly extra: Record<string, unknown>;
  readonly customMessage: string | undefined;

  constructor(code: ErrorCode, details: AppErrorDetails = {}) {
    super(details.message ?? code);
    this.name = 'AppError';
    this.code = code;
    this.fields = details.fields;
    this.extra = details.extra ?? {};
    this.customMessage = details.message;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
