/**
 * The one LISTEN connection of a process for PostgreSQL's driver change announcements
 * (`driver_changes`, db/repositories/driver-changes.ts), shared by every in-process copy of
 * drivers: the driver view cache (position reports) and the driver supply (match jobs).
 *
 * Listening starts on the first `follow` (a process that keeps no copy opens nothing). Each
 * follower hears, in commit order, every announcement received while it follows, and
 * `listening()` whenever listening (re)starts — when it starts following while already
 * listening too: anything announced before may have been missed, so it must treat all it
 * holds as stale (drop it, load it again). From `lost()` until the next `listening()`
 * nothing is announced to it: a follower that needs exactness stops trusting its copy.
 * A connection that drops is opened again (notifications.ts); one that cannot be set up at
 * all is tried again after `retryMs`.
 */
import {
  driverChangesChannel,
  parseDriverChange,
  type DriverChange,
} from '../../db/repositories/driver-changes.js';
import {
  listenForNotifications,
  type NotificationListener,
} from '../../db/repositories/notifications.js';
import type { Logger } from '../logger/logger.js';

export type { DriverChange };

export interface DriverChangeFollower {
  /** Listening started or started again: everything held may be stale. */
  listening(): void;
  changed(change: DriverChange): void;
  /** Listening stopped: nothing is announced until `listening()` again. */
  lost(): void;
}

export interface DriverChanges {
  /** Adds a follower (starting to listen if not yet); returns how to stop following. */
  follow(follower: DriverChangeFollower): () => void;
  close(): Promise<void>;
}

export interface DriverChangesOptions {
  databaseUrl: string;
  logger: Logger;
  /** Wait before trying again when LISTEN could not be set up. */
  retryMs?: number;
}

export function createDriverChanges(options: DriverChangesOptions): DriverChanges {
  const retryMs = options.retryMs ?? 5_000;
  const followers = new Set<DriverChangeFollower>();
  let live = false;
  let closed = false;
  let starting: Promise<void> | undefined;
  let listener: NotificationListener | undefined;
  let retry: NodeJS.Timeout | undefined;

  const each = (tell: (follower: DriverChangeFollower) => void) => {
    // A copy: a follower may stop following while told.
    for (const follower of [...followers]) tell(follower);
  };

  const onNotify = (payload: string | undefined) => {
    if (closed) return;
    // No payload: (re)connected.
    if (payload === undefined) {
      live = true;
      each((f) => f.listening());
      return;
    }
    const change = parseDriverChange(payload);
    each((f) => f.changed(change));
  };

  const onLost = (e: unknown) => {
    if (live) {
      options.logger.warn(
        { err: e },
        'driver change announcements lost; driver views and supply read PostgreSQL',
      );
    }
    live = false;
    each((f) => f.lost());
  };

  function start(): void {
    if (starting || closed) return;
    starting = listenForNotifications(
      options.databaseUrl,
      driverChangesChannel,
      onNotify,
      onLost,
    ).then(
      (started) => {
        listener = started;
        if (closed) void started.close();
      },
      (e: unknown) => {
        options.logger.warn(
          { err: e },
          'driver change announcements not set up; driver views and supply read PostgreSQL',
        );
        retry = setTimeout(() => {
          starting = undefined;
          start();
        }, retryMs);
        retry.unref();
      },
    );
  }

  return {
    follow(follower) {
      followers.add(follower);
      if (live) follower.listening();
      else start();
      return () => followers.delete(follower);
    },

    async close() {
      closed = true;
      live = false;
      followers.clear();
      if (retry) clearTimeout(retry);
      await starting;
      await listener?.close();
    },
  };
}
