/**
 * Polls `check` until it holds, or fails after `timeoutMs` naming what never happened (a
 * function is asked only then, so it can say what did happen instead).
 */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what: string | (() => string) = 'condition',
): Promise<void> {
  await pollFor(async () => ((await check()) ? true : undefined), timeoutMs, what);
}

/** Polls `probe` until it gives a value (not `undefined`), and returns that value. */
export async function pollFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
  what: string | (() => string) = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
