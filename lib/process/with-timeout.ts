/**
 * The one timeout: a job's time budget, the relay's queue add while Redis is away, the
 * readiness pings. Whatever does not settle in time is abandoned, not awaited, so a caller
 * never hangs on a dependency that stopped answering.
 */

export class TimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `work`, rejecting with a TimeoutError when it has not settled after `ms` (null or 0:
 * no limit). The signal handed to `work` aborts at that moment with the same error, so work
 * that can stop early does. The timer is cleared as soon as the work settles; a late
 * rejection of abandoned work is handled by the race, never left unhandled.
 */
export async function withTimeout<T>(
  ms: number | null,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const running = work(controller.signal);
  if (!ms) return running;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(what, ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([running, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
