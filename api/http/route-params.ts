/** Path parameters that name rows by id: the one place routes read them from. */
import { AppError } from '../../lib/errors/app-error.js';

/** A malformed id cannot name anything: "not found", like an id outside the caller's scope. */
export function idParam(params: Record<string, string>, name = 'id'): number {
  const raw = params[name] ?? '';
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  if (id < 1) throw new AppError('not_found');
  return id;
}

/**
 * A path parameter naming a row by a string id (orders, regions): passed on as given, since
 * the use case's lookup is what decides whether it names anything (an unknown one is 404).
 */
export function stringIdParam(params: Record<string, string>, name = 'id'): string {
  return params[name] ?? '';
}
