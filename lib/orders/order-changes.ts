/**
 * Waiting for an order to change: PostgreSQL announces each new version of an order at
 * commit (`order_changes`, see the migration notify-order-changes), whichever process made
 * it — a driver's answer on another API instance, an expiry job on a worker.
 */
import { listenForNotifications } from '../../db/repositories/notifications.js';
import type { AppDeps } from '../deps.js';

export interface OrderChangeWatch {
  /**
   * Resolves `changed` at the order's next announced change (or a reconnect, which may have
   * missed one), `waited` after `ms` without one. Changes since the last call count too.
   */
  next(ms: number): Promise<'changed' | 'waited'>;
  close(): Promise<void>;
}

/** Listens on its own connection from now on: start it before making the change awaited. */
export async function watchOrderChanges(
  deps: Pick<AppDeps, 'config' | 'logger'>,
  orderId: string,
): Promise<OrderChangeWatch> {
  let pending = false;
  let wake: (() => void) | null = null;
  const listener = await listenForNotifications(
    deps.config.databaseUrl,
    'order_changes',
    (payload) => {
      // No payload: (re)connected, and something may have changed while we were not listening.
      if (payload !== undefined && payload !== orderId) return;
      pending = true;
      wake?.();
    },
    (e: unknown) => deps.logger.warn({ err: e }, 'order change listener failed'),
  );
  return {
    async next(ms) {
      if (!pending) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, Math.max(0, ms));
        });
        clearTimeout(timer);
        wake = null;
      }
      const changed = pending;
      pending = false;
      return changed ? 'changed' : 'waited';
    },
    close: () => listener.close(),
  };
}
