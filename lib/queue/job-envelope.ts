/**
 * Job data = the catalogue's ids-only payload, plus one optional envelope field, `request_id`,
 * naming the API request that caused the job (for logs only; no processor decides anything on
 * it). It is split off before the payload is validated against the catalogue, whose schemas
 * stay strict.
 */
import { isRequestId } from '../logger/request-scope.js';

export const requestIdField = 'request_id';

export function withRequestId(
  payload: Record<string, unknown>,
  requestId: string | null | undefined,
): Record<string, unknown> {
  return requestId ? { ...payload, [requestIdField]: requestId } : payload;
}

export function splitJobEnvelope(data: unknown): { payload: unknown; requestId: string | null } {
  if (typeof data !== 'object' || data === null || !(requestIdField in data)) {
    return { payload: data, requestId: null };
  }
  const { [requestIdField]: requestId, ...payload } = data as Record<string, unknown>;
  return { payload, requestId: isRequestId(requestId) ? requestId : null };
}
