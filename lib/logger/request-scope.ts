/**
 * The request id of the work in progress, carried across awaits with AsyncLocalStorage: the
 * web sets it per request, the worker per job. The outbox and the queue producers read it, so
 * one id follows an action from the API through the outbox into every job it causes, without
 * threading it through every function signature.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ requestId: string }>();

/** What we accept as a request id from outside (a header, a job): short, no spaces or quotes. */
export const isRequestId = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(value);

export function runWithRequestId<T>(requestId: string | null | undefined, work: () => T): T {
  return requestId ? storage.run({ requestId }, work) : work();
}

export function currentRequestId(): string | null {
  return storage.getStore()?.requestId ?? null;
}
