/**
 * A job that cannot finish *yet* (no driver free, a gateway busy) and should run again after
 * its backoff. It is an expected outcome, not a fault: workers log it quietly.
 */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export const isRetryLater = (e: unknown): e is RetryLaterError => e instanceof RetryLaterError;
