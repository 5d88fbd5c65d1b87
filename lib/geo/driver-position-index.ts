/**
 * The index of live driver positions. Redis holds the truth, shared by every process on every
 * machine (lib/geo/position-store.ts: a positions hash plus a numbered change stream written
 * atomically with it). A process that searches keeps an in-memory mirror on H3 cells
 * (lib/geo/position-mirror.ts), loaded from a consistent snapshot and then kept exact by
 * applying the change stream in sequence order; a gap reloads the snapshot. Searches walk
 * rings of cells outward in memory, without a Redis round trip.
 *
 * Consistency: a process sees its own writes in its next search (it waits for the mirror to
 * apply them); other processes' writes arrive within the stream's delivery time (about a
 * millisecond on one network). Stale positions drop out of answers at once and are pruned
 * from Redis (conditionally, so a fresh update is never lost) after `pruneAfterMs`.
 */
import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/clock.js';
import { duplicateRedis, type Redis } from '../redis/redis.js';
import { createPositionMirror } from './position-mirror.js';
import {
  createPositionReports,
  type LatestPosition,
  type ReportOutcome,
} from './position-reports.js';
import { compareStreamIds, createPositionStore, type PositionChange } from './position-store.js';

export interface DriverPosition {
  driverId: number;
  lat: number;
  lon: number;
  recordedAt: Date;
}

export interface NearbyDriver extends DriverPosition {
  distanceMeters: number;
}

export interface NearbyQuery {
  lat: number;
  lon: number;
  radiusMeters: number;
  /** Positions recorded before this are stale and left out. */
  freshSince: Date;
  limit?: number;
}

export interface DriverPositionIndex {
  /** Stores the position unless a newer one is already stored; the driver is searchable. */
  upsert(position: DriverPosition): Promise<void>;
  /**
   * A driver's report: kept as their latest and marked for the PostgreSQL writer, and upserted
   * here, in one atomic step (lib/geo/position-reports.ts); refused when a newer one is held.
   */
  report(driverId: number, position: LatestPosition): Promise<ReportOutcome>;
  /** Removes the driver only if their indexed point is not newer than `recordedAt`. */
  removeIfNotNewer(driverId: number, recordedAt: Date): Promise<void>;
  /** The driver went offline (or away): out, and their reports stay out until an upsert. */
  remove(driverId: number): Promise<void>;
  /**
   * The driver is online again: their reports enter the index from now on (what `remove`
   * barred), whether or not a position is known to upsert.
   */
  allowReports(driverId: number): Promise<void>;
  /** Drivers within the radius with a fresh position, nearest first (ties by id). */
  nearby(query: NearbyQuery): Promise<NearbyDriver[]>;
  /**
   * Waits until this process's mirror holds every change made so far by anyone. Concurrent
   * calls share one Redis round trip (each still sees every write acknowledged before it).
   */
  sync(): Promise<void>;
  /** Stops following changes and pruning; closes the dedicated Redis connection. */
  close(): Promise<void>;
}

export interface PositionIndexOptions {
  clock?: Clock;
  /** Positions older than this are removed from Redis by the pruner (default 10 minutes). */
  pruneAfterMs?: number;
  pruneIntervalMs?: number;
  /** How long a search waits for its own process's writes to reach the mirror. */
  ownWriteWaitMs?: number;
  streamMaxLength?: number;
  blockMs?: number;
}

export function createRedisDriverPositionIndex(
  redis: Redis,
  prefix: string,
  options: PositionIndexOptions = {},
): DriverPositionIndex {
  const clock = options.clock ?? systemClock;
  const store = createPositionStore(redis, prefix, { streamMaxLength: options.streamMaxLength });
  const reports = createPositionReports(redis, prefix, {
    streamMaxLength: options.streamMaxLength,
  });
  const mirror = createPositionMirror();
  let blocking: Redis | undefined;
  let started: Promise<void> | undefined;
  let closed = false;
  let pruneTimer: NodeJS.Timeout | undefined;
  let appliedSeq = 0;
  let appliedStreamId = '0-0';
  let ownLatestStreamId = '0-0';
  let loadsStarted = 0;
  let latestLoadApplied = 0;
  const waiters = new Set<{ streamId: string; resolve: () => void }>();
  type Head = Awaited<ReturnType<typeof store.head>>;
  let headOnTheWire: Promise<Head> | undefined;
  let nextHead: Promise<Head> | undefined;

  /**
   * The stream's head as read by a request sent after this call: concurrent searches share
   * one. A read already on the wire may predate writes acknowledged before this call, so a
   * caller arriving while one is out joins the next read, sent as soon as that one returns.
   */
  function freshHead(): Promise<Head> {
    if (nextHead) return nextHead;
    if (!headOnTheWire) {
      headOnTheWire = store.head().finally(() => (headOnTheWire = undefined));
      return headOnTheWire;
    }
    nextHead = headOnTheWire
      .catch(() => undefined)
      .then(() => {
        nextHead = undefined;
        return freshHead();
      });
    return nextHead;
  }

  function release(): void {
    for (const waiter of waiters) {
      if (compareStreamIds(appliedStreamId, waiter.streamId) >= 0) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  function waitForStreamId(streamId: string, timeoutMs: number): Promise<void> {
    if (compareStreamIds(appliedStreamId, streamId) >= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { streamId, resolve: () => (clearTimeout(timer), resolve()) };
      // A stalled stream must not stall dispatch: answer from the mirror as it is.
      const timer = setTimeout(() => (waiters.delete(waiter), resolve()), timeoutMs);
      waiters.add(waiter);
    });
  }

  async function load(): Promise<void> {
    const ownBefore = ownLatestStreamId;
    const ticket = ++loadsStarted;
    const snapshot = await store.snapshot();
    // Two loads at once (the follower's and a sync's): Redis answers them in order, so an
    // older snapshot arriving after a newer one is dropped rather than rolling back.
    if (ticket < latestLoadApplied) return;
    latestLoadApplied = ticket;
    // Own writes acknowledged before the snapshot are in it, or were flushed away: either
    // way there is nothing more of them to wait for.
    if (ownLatestStreamId === ownBefore) ownLatestStreamId = '0-0';
    mirror.clear();
    for (const [driverId, position] of snapshot.positions) mirror.set(driverId, position);
    appliedSeq = snapshot.seq;
    appliedStreamId = snapshot.streamId;
    release();
  }

  /** Applies changes in sequence; false on a gap (trimmed stream, flushed keys). */
  function apply(changes: PositionChange[]): boolean {
    for (const change of changes) {
      if (change.seq !== appliedSeq + 1) return false;
      if (change.position) mirror.set(change.driverId, change.position);
      else mirror.delete(change.driverId);
      appliedSeq = change.seq;
      appliedStreamId = change.streamId;
    }
    return true;
  }

  async function follow(client: Redis): Promise<void> {
    const blockMs = options.blockMs ?? 1000;
    while (!closed) {
      try {
        const changes = await store.readChanges(client, appliedStreamId, blockMs, 1000);
        if (changes.length === 0) {
          // Quiet stream: make sure the keys were not flushed under us.
          if ((await store.head()).seq < appliedSeq) await load();
        } else if (!apply(changes)) await load();
        release();
      } catch {
        if (closed) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async function prune(): Promise<void> {
    const beforeMs = clock.now().getTime() - (options.pruneAfterMs ?? 600_000);
    const stale = mirror.staleBefore(beforeMs);
    await Promise.all(stale.map((s) => store.remove(s.driverId, s.recordedAtMs)));
  }

  function start(): Promise<void> {
    started ??= (async () => {
      await load();
      // Its XREAD blocks for blockMs: give it that long beyond the usual command timeout.
      blocking = duplicateRedis(redis, { commandTimeout: (options.blockMs ?? 1000) + 1000 });
      void follow(blocking);
      pruneTimer = setInterval(
        () => void prune().catch(() => undefined),
        options.pruneIntervalMs ?? 60_000,
      );
      pruneTimer.unref();
    })().catch((e: unknown) => {
      // Redis was unreachable: the next search tries again.
      started = undefined;
      throw e;
    });
    return started;
  }

  function noteOwnWrite(streamId: string | null): void {
    if (streamId && compareStreamIds(streamId, ownLatestStreamId) > 0) ownLatestStreamId = streamId;
  }

  return {
    async upsert(position) {
      const result = await store.upsert(position.driverId, {
        lat: position.lat,
        lon: position.lon,
        recordedAtMs: position.recordedAt.getTime(),
      });
      noteOwnWrite(result.streamId);
    },

    async remove(driverId) {
      noteOwnWrite((await store.remove(driverId, undefined, { markOffline: true })).streamId);
    },

    async allowReports(driverId) {
      await store.clearOfflineMark(driverId);
    },

    async report(driverId, position) {
      const outcome = await reports.report(driverId, position);
      noteOwnWrite(outcome.streamId);
      return outcome;
    },

    async removeIfNotNewer(driverId, recordedAt) {
      noteOwnWrite((await store.remove(driverId, recordedAt.getTime())).streamId);
    },

    async nearby(query) {
      await start();
      await waitForStreamId(ownLatestStreamId, options.ownWriteWaitMs ?? 2000);
      return mirror.search(query);
    },

    async sync() {
      await start();
      const head = await freshHead();
      if (head.seq < appliedSeq || (head.seq === appliedSeq && head.streamId !== appliedStreamId)) {
        await load();
      }
      await waitForStreamId(head.streamId, options.ownWriteWaitMs ?? 2000);
    },

    close() {
      closed = true;
      if (pruneTimer) clearInterval(pruneTimer);
      blocking?.disconnect();
      for (const waiter of waiters) waiter.resolve();
      waiters.clear();
      return Promise.resolve();
    },
  };
}
