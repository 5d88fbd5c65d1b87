/**
 * Drivers' views (the contract's Driver shape) remembered per process, so a position report —
 * the hottest request there is — answers without a PostgreSQL round trip. Kept exact by
 * PostgreSQL itself: a trigger announces every committed change to what a view shows on
 * `driver_changes` (migration notify-driver-changes: the driver row but its position, the
 * driver's user, any region, a TRUNCATE), whoever made it, and each announcement drops that
 * driver's entry (or all of them). The process's one listener (driver-changes.ts) is shared
 * with the driver supply; announcements about orders and barriers are not ours.
 *
 * The cache is only used while this process listens: before LISTEN is confirmed, and from the
 * moment the connection drops until it is back, every lookup reads PostgreSQL (an
 * announcement missed meanwhile cannot leave a stale entry). A read that started before an
 * announcement for its driver is not kept, so a read racing a change cannot put the old view
 * back. What is left is the announcement's own delivery, well under a millisecond on one
 * host: a lookup in that window answers as a read that had started just before the commit.
 *
 * The position in a cached view is whatever PostgreSQL had; callers answer the position from
 * Redis (the report path does). Entries also expire after `ttlMs`, as a bound on memory and
 * on any announcement lost outside this process's view.
 */
import type { DriverChange, DriverChanges } from './driver-changes.js';
import type { DriverView } from './driver-view.js';

export interface DriverViewCache {
  /** The driver's view: cached, or from `load` (which throws when there is no such driver). */
  lookup(driverId: number, load: () => Promise<DriverView>): Promise<DriverView>;
  /** Resolves once the cache is in use (listening); for tests and start-up checks. */
  ready(): Promise<void>;
  /**
   * Called with each announcement received: a driver id, or null for "every driver" (also
   * when listening starts or starts again). For tests that wait on one.
   */
  onChange(listener: (driverId: number | null) => void): void;
  close(): void;
}

export interface DriverViewCacheOptions {
  /** The process's driver change announcements (followed from the first lookup). */
  changes: DriverChanges;
  /** 0 turns the cache off: every lookup reads PostgreSQL. */
  ttlMs: number;
  maxEntries?: number;
}

interface Entry {
  view: DriverView;
  expiresAt: number;
}

export function createDriverViewCache(options: DriverViewCacheOptions): DriverViewCache {
  const maxEntries = options.maxEntries ?? 50_000;
  const entries = new Map<number, Entry>();
  /** Per driver, the generation of the last announcement; `allChangedAt` for "every driver". */
  const changedAt = new Map<number, number>();
  const listeners: ((driverId: number | null) => void)[] = [];
  let generation = 0;
  let allChangedAt = 0;
  let listening = false;
  let unfollow: (() => void) | undefined;
  let closed = false;
  let readyWaiters: (() => void)[] = [];

  const dropAll = () => {
    allChangedAt = ++generation;
    entries.clear();
    changedAt.clear();
  };

  /** Listening (again): anything may have changed while we were not listening. */
  const listeningNow = () => {
    dropAll();
    listening = !closed;
    for (const resolve of readyWaiters) resolve();
    readyWaiters = [];
    for (const notify of listeners) notify(null);
  };

  const changed = (change: DriverChange) => {
    let driverId: number | null;
    if (change.kind === 'driver' || change.kind === 'driver-view') driverId = change.driverId;
    else if (change.kind === 'region' || change.kind === 'everything') driverId = null;
    else return; // orders and barriers: nothing a view shows
    if (driverId === null) dropAll();
    else {
      changedAt.set(driverId, ++generation);
      entries.delete(driverId);
      if (changedAt.size > maxEntries) dropAll();
    }
    for (const notify of listeners) notify(driverId);
  };

  const lost = () => {
    listening = false;
    dropAll();
  };

  function start(): void {
    if (unfollow || closed || options.ttlMs === 0) return;
    unfollow = options.changes.follow({ listening: listeningNow, changed, lost });
  }

  const isStale = (driverId: number, since: number) =>
    allChangedAt > since || (changedAt.get(driverId) ?? 0) > since;

  return {
    async lookup(driverId, load) {
      start();
      if (listening) {
        const entry = entries.get(driverId);
        if (entry && entry.expiresAt > Date.now()) return entry.view;
      }
      const before = generation;
      const view = await load();
      if (listening && !isStale(driverId, before)) {
        entries.delete(driverId);
        entries.set(driverId, { view, expiresAt: Date.now() + options.ttlMs });
        // Bounded: the oldest entry goes first (Map keeps insertion order).
        if (entries.size > maxEntries) {
          const oldest = entries.keys().next();
          if (!oldest.done) entries.delete(oldest.value);
        }
      }
      return view;
    },

    ready() {
      start();
      if (listening || closed || options.ttlMs === 0) return Promise.resolve();
      return new Promise((resolve) => readyWaiters.push(resolve));
    },

    onChange(notify) {
      listeners.push(notify);
    },

    close() {
      closed = true;
      listening = false;
      entries.clear();
      for (const resolve of readyWaiters) resolve();
      readyWaiters = [];
      unfollow?.();
    },
  };
}
