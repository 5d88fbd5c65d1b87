/**
 * Path parameters that name rows by integer id: the one parser every route uses for them.
 * (Order and region ids are strings; their use cases look them up as given.)
 */
import { AppError } from '../../lib/errors/app-error.js';

/** A malformed id cannot name anything: "not found", like an id outside the caller's scope. */
export function idParam(params: Record<string, string>, name = 'id'): number {
  const raw = params[name] ?? '';
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  if (id < 1) throw new AppError('not_found');
  return id;
}
