/**
 * A dispatch worker's in-memory driver supply: the facts the candidate query reads
 * (availability, vehicle, region, trips today; lib/dispatch/supply-facts.ts), loaded once and
 * kept current from PostgreSQL's announcements on `driver_changes` (migration
 * 20261202000800; the process's one listener, lib/drivers/driver-changes.ts, shared with the
 * driver view cache), so a match job's search needs no SQL round trip of its own.
 *
 * Freshness, exactly: the match job's order load announces a barrier on the same channel
 * (`loadOrderForSearch`, still one round trip). Notifications arrive in commit order, so when
 * the barrier arrives every change committed before the order was read has arrived before it;
 * a search waits until the supply has applied everything received before its barrier (each
 * change is re-read from the database after it arrived, so what is applied is at least that
 * new). No barrier (not listening yet, connection lost, a failed re-read, waited longer than
 * `barrierWaitMs`, or a "now" outside the loaded local day): the search reads SQL as before.
 *
 * Correctness never rests on this: the offer's conditional reservation in PostgreSQL
 * (online_idle → offered) is the truth; an offer to a driver who became busy meanwhile fails
 * and the next candidate is tried.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.js';
import {
  loadOrderForSearch as loadOrderWithBarrier,
  loadSupplyDrivers,
  loadSupplyOrders,
  loadTripsOfDay,
} from '../../db/repositories/dispatch-candidate-supply.repository.js';
import type { OrderRow } from '../../db/repositories/order.repository.js';
import type { Clock } from '../clock/clock.js';
import type { AppDeps } from '../deps.js';
import type { DriverChange, DriverChanges } from '../drivers/driver-changes.js';
import type { TripsTodayRule } from '../drivers/trips-today.js';
import type { Logger } from '../logger/logger.js';
import { createSupplyFacts, type SupplyFacts } from './supply-facts.js';

/** What a search needs from the order load to use the supply. */
export interface SupplyTicket {
  /** The barrier the order load announced (null: none, read SQL). */
  barrier: string | null;
  /** The order's recorded exclusions, read with the order. */
  excludedDriverIds: readonly number[];
}

export interface DriverSupply {
  /** Starts following on the first call; a barrier token when following is live, else null. */
  barrier(): string | null;
  /**
   * The facts, once they include every change committed before the barrier was announced;
   * null when that cannot be known in time (the caller reads SQL instead).
   */
  factsAfter(barrier: string, nowMs: number): Promise<SupplyFacts | null>;
  close(): void;
}

export interface DriverSupplyOptions {
  /** The process's driver change announcements (followed from the first barrier). */
  changes: DriverChanges;
  db: () => Db;
  rule: TripsTodayRule;
  clock: Clock;
  logger: Logger;
  /** How long a search may wait for its barrier before reading SQL. */
  barrierWaitMs?: number;
}

interface OwnBarrier {
  /** null while waiting; true once applied; false when it cannot be trusted. */
  done: boolean | null;
  waiters: ((ok: boolean) => void)[];
  expiry: NodeJS.Timeout;
}

export function createDriverSupply(options: DriverSupplyOptions): DriverSupply {
  const facts = createSupplyFacts(options.rule);
  const waitMs = options.barrierWaitMs ?? 1000;
  const processTag = randomUUID().slice(0, 12);
  let barriersMade = 0;
  let unfollow: (() => void) | undefined;
  let live = false;
  let closed = false;
  let loaded = false;
  let reloadWanted = false;
  let draining = false;
  let retry: NodeJS.Timeout | undefined;
  const pendingDrivers = new Set<number>();
  const pendingOrders = new Set<string>();
  let pendingBarriers: string[] = [];
  const own = new Map<string, OwnBarrier>();

  function settle(token: string, ok: boolean): void {
    const b = own.get(token);
    if (!b || b.done !== null) return;
    b.done = ok;
    for (const wake of b.waiters) wake(ok);
    b.waiters = [];
  }

  /** (Re)connected: anything announced while not listening is lost, so load it all. */
  function listening(): void {
    live = true;
    reloadWanted = true;
    kick();
  }

  function changed(change: DriverChange): void {
    if (change.kind === 'everything') reloadWanted = true;
    else if (change.kind === 'driver') pendingDrivers.add(change.driverId);
    else if (change.kind === 'order') pendingOrders.add(change.orderId);
    else if (change.kind === 'barrier') {
      // Other workers' barriers are theirs to wait for.
      if (own.has(change.token)) pendingBarriers.push(change.token);
    } else return; // a view's other columns, a region: not candidate facts
    kick();
  }

  function lost(): void {
    live = false;
  }

  function kick(): void {
    if (!draining && !closed) void drain();
  }

  async function fullLoad(): Promise<void> {
    const db = options.db();
    const [drivers, day] = await Promise.all([
      loadSupplyDrivers(db),
      loadTripsOfDay(db, options.clock.now(), options.rule),
    ]);
    facts.reset(
      drivers,
      { startMs: day.dayStart.getTime(), endMs: day.dayEnd.getTime() },
      day.orders,
    );
    loaded = true;
  }

  async function refetch(driverIds: number[], orderIds: string[]): Promise<void> {
    const db = options.db();
    const [drivers, orders] = await Promise.all([
      driverIds.length > 0 ? loadSupplyDrivers(db, driverIds) : [],
      orderIds.length > 0 ? loadSupplyOrders(db, orderIds) : [],
    ]);
    const driverRows = new Map(drivers.map((d) => [d.id, d]));
    for (const id of driverIds) facts.setDriver(id, driverRows.get(id) ?? null);
    const orderRows = new Map(orders.map((o) => [o.id, o]));
    for (const id of orderIds) facts.setOrder(id, orderRows.get(id) ?? null);
  }

  /** Applies what arrived, batch by batch; a batch's barriers are settled once it is applied. */
  async function drain(): Promise<void> {
    draining = true;
    try {
      while (
        !closed &&
        (reloadWanted ||
          pendingDrivers.size > 0 ||
          pendingOrders.size > 0 ||
          pendingBarriers.length > 0)
      ) {
        const reload = reloadWanted || !loaded;
        const driverIds = [...pendingDrivers];
        const orderIds = [...pendingOrders];
        const barriers = pendingBarriers;
        reloadWanted = false;
        pendingDrivers.clear();
        pendingOrders.clear();
        pendingBarriers = [];
        try {
          // Each read starts after its announcements arrived, so it sees at least those commits.
          if (reload) await fullLoad();
          else await refetch(driverIds, orderIds);
        } catch (e: unknown) {
          // Nothing of this batch is trusted: searches read SQL until a full load succeeds.
          loaded = false;
          reloadWanted = true;
          for (const token of barriers) settle(token, false);
          options.logger.warn({ err: e }, 'driver supply re-read failed; searches read SQL');
          if (!closed) {
            retry = setTimeout(kick, 1000);
            retry.unref();
          }
          return;
        }
        for (const token of barriers) settle(token, true);
      }
    } finally {
      draining = false;
    }
  }

  function start(): void {
    unfollow ??= options.changes.follow({ listening, changed, lost });
  }

  return {
    barrier() {
      if (closed) return null;
      start();
      if (!live) return null;
      const token = `${processTag}.${++barriersMade}`;
      const expiry = setTimeout(() => {
        settle(token, false);
        own.delete(token);
      }, waitMs);
      expiry.unref();
      own.set(token, { done: null, waiters: [], expiry });
      return token;
    },

    async factsAfter(token, nowMs) {
      const b = own.get(token);
      if (!b) return null;
      const ok = b.done ?? (await new Promise<boolean>((resolve) => b.waiters.push(resolve)));
      clearTimeout(b.expiry);
      own.delete(token);
      if (!ok || !loaded) return null;
      if (!facts.covers(nowMs)) {
        // A new local day: the trip counts restart, so load them for it.
        reloadWanted = true;
        kick();
        return null;
      }
      return facts;
    },

    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      for (const token of [...own.keys()]) {
        settle(token, false);
        clearTimeout(own.get(token)!.expiry);
      }
      own.clear();
      unfollow?.();
    },
  };
}

/**
 * The match job's order load: the order, its exclusions and (unless told not to: a search
 * that will not use the supply) a supply barrier, in one round trip. Undefined when the
 * order does not exist.
 */
export async function loadOrderForSearch(
  deps: Pick<AppDeps, 'db' | 'driverSupply'>,
  orderId: string,
  options: { barrier: boolean } = { barrier: true },
): Promise<{ order: OrderRow; supply: SupplyTicket } | undefined> {
  const barrier = options.barrier ? deps.driverSupply.barrier() : null;
  const loaded = await loadOrderWithBarrier(deps.db.knex, orderId, barrier);
  if (!loaded) return undefined;
  return { order: loaded.order, supply: { barrier, excludedDriverIds: loaded.excludedDriverIds } };
}
