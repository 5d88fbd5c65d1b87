/**
 * The API's answers to a dispatcher's action as plain sentences: 200s say what happened, a
 * 202 that the engine is still deciding, a 409 why it was not done. Pure.
 */
import { ApiError } from './api.js';
import { fill, type Messages } from './i18n.js';

export interface Outcome {
  kind: 'done' | 'pending' | 'refused';
  text: string;
}

const textOf = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

export function refusalOf(t: Messages, e: unknown): Outcome {
  if (!(e instanceof ApiError))
    return { kind: 'refused', text: fill(t.failed, { message: String(e) }) };
  const body = e.body;
  if (body.code === 'invalid_transition') {
    const status = textOf(body.current_status);
    const requested = textOf(body.requested_status);
    return {
      kind: 'refused',
      text: fill(t.invalidTransition, {
        status: t.statusNames[status] ?? status,
        requested: t.statusNames[requested] ?? requested,
      }),
    };
  }
  if (body.code === 'driver_unavailable') {
    return {
      kind: 'refused',
      text: fill(t.driverUnavailable, { reason: textOf(body.reason ?? body.error) }),
    };
  }
  const details = body.fields ? ` ${Object.values(body.fields).flat().join(' ')}` : '';
  const reason = typeof body.reason === 'string' ? ` (${body.reason})` : '';
  return {
    kind: 'refused',
    text: fill(e.status === 409 ? t.conflict : t.failed, {
      message: `${body.error}${reason}${details}`,
    }),
  };
}
