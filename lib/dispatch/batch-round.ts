/**
 * Batch matching rounds (`DISPATCH_POLICY=batch`). Every `DISPATCH_BATCH_WINDOW_MS` one tick
 * job (`dispatch.batch-round`, from a BullMQ job scheduler) runs a round for each region
 * group with orders waiting in `matching`:
 *
 *   1. take the group's round lock (PostgreSQL advisory lock; another worker's round in the
 *      same group → skip: exactly one round at a time per group, on every machine);
 *   2. the waiting orders (longest-waiting first) and their nearest eligible free drivers
 *      (round-candidates.ts);
 *   3. ONE minimum-cost assignment (`assignBatch`, priced by `pairCost`);
 *   4. each chosen pair through the one offer path (`offerToCandidate`): the same
 *      conditional updates, database invariants and outbox rows as the ranked engine.
 *
 * A pair whose driver was taken meanwhile, or whose order moved on, is simply left: the order
 * waits for the next round. Declines and expiries return the order to `matching`, so it joins
 * the next round with its new exclusion. The per-order match job still releases pre-booked
 * orders at their lead time and hands an order to a dispatcher at its deadline.
 */
import {
  listRegionsWithWaitingOrders,
  listWaitingOrders,
  withRoundLock,
} from '../../db/repositories/batch-round.repository.js';
import type { SystemActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { assignBatch, type BatchSettings } from './assign-batch.js';
import { searchContinuesFrom } from './dispatch-policy.js';
import { rankingSettings } from './find-candidates.js';
import { offerToCandidate } from './offer-driver.js';
import { maxOrdersPerRound, regionGroups, type RegionGroup } from './region-group.js';
import { roundCandidates } from './round-candidates.js';

export interface RoundSummary {
  group: string;
  /** false: another worker's round of this group was running, so this one did nothing. */
  ran: boolean;
  orders: number;
  pairs: number;
  offered: number;
  /** Pairs whose driver was taken, or whose order moved on, before the offer. */
  missed: number;
}

export type RoundDeps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'positionIndex' | 'driverSupply'>;

/** One tick's outcome: rounds run, or none because the engine is not in batch mode. */
export type BatchTick =
  { kind: 'ran'; rounds: RoundSummary[] } | { kind: 'skipped'; policy: 'ranked' };

/** Offer transactions a round runs at once: a few, leaving pool room for everything else. */
const offerConcurrency = (deps: RoundDeps) =>
  Math.max(1, Math.min(8, deps.config.databasePoolMax - 2));

/**
 * Runs `work` over the items, `limit` at a time, and waits for all of them even when one
 * fails (so no offer is still in flight when the round's lock is released); then rethrows the
 * first failure.
 */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  const failures: unknown[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length && failures.length === 0) {
        const index = next++;
        try {
          results[index] = await work(items[index]!);
        } catch (e: unknown) {
          failures.push(e);
        }
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
  return results;
}

export function batchSettings(config: AppDeps['config']): BatchSettings {
  return {
    ...rankingSettings(config),
    candidatesPerOrder: config.dispatch.batchCandidates,
    weights: config.dispatch.cost,
  };
}

/**
 * One tick: a round per region group with waiting orders, one group after another. With
 * `DISPATCH_POLICY=ranked` a tick left in Redis from batch mode does nothing.
 */
export async function runBatchRounds(
  deps: RoundDeps,
  actor: SystemActor,
  input: { signal?: AbortSignal },
): Promise<BatchTick> {
  if (deps.config.dispatch.policy !== 'batch') return { kind: 'skipped', policy: 'ranked' };
  const groups = regionGroups(
    await listRegionsWithWaitingOrders(deps.db.knex),
    deps.config.dispatch.regionMode,
  );
  // One after another: each round holds a pooled connection for its lock while its offers
  // need others; a few regions' rounds in sequence stay well inside one window.
  const rounds: RoundSummary[] = [];
  for (const group of groups) {
    input.signal?.throwIfAborted();
    rounds.push(await runRound(deps, actor, { group, signal: input.signal }));
  }
  return { kind: 'ran', rounds };
}

/** One round of one region group, under the group's round lock (skipped while another runs). */
export async function runRound(
  deps: RoundDeps,
  actor: SystemActor,
  input: { group: RegionGroup; signal?: AbortSignal },
): Promise<RoundSummary> {
  const { group, signal } = input;
  const idle = { group: group.key, orders: 0, pairs: 0, offered: 0, missed: 0 };
  const result = await withRoundLock(deps.db, group.key, async () => {
    const orders = await listWaitingOrders(
      deps.db.knex,
      group.regionIds,
      maxOrdersPerRound,
      searchContinuesFrom,
    );
    if (orders.length === 0) return { ...idle, ran: true };
    const batch = await roundCandidates(deps, orders);
    const pairs = assignBatch(batch, batchSettings(deps.config));
    const orderById = new Map(orders.map((o) => [o.id, o]));
    const tripsToday = new Map(
      batch.flatMap((b) => b.candidates.map((c) => [c.driver_id, c.trips_today] as const)),
    );
    // Cheapest pairs first: if the time budget runs out mid-round, the best offers are made.
    // Pairs share no order and no driver, so their transactions run side by side, a few at
    // a time (the lock's own connection and other jobs need the pool too).
    const cheapestFirst = [...pairs].sort((a, b) => a.cost.total_m - b.cost.total_m);
    const attempts = await inParallel(cheapestFirst, offerConcurrency(deps), async (pair) => {
      signal?.throwIfAborted();
      const order = orderById.get(pair.order_id);
      if (!order) return false;
      const attempt = await offerToCandidate(deps, actor, {
        order,
        candidate: {
          driver_id: pair.driver_id,
          distance_m: pair.cost.pickup_m,
          // The pair's cost in metres is the batch engine's score (lower is better).
          score: pair.cost.total_m,
          rank: pair.rank,
          trips_today: tripsToday.get(pair.driver_id) ?? 0,
        },
        signal,
      });
      return typeof attempt !== 'string';
    });
    const offered = attempts.filter(Boolean).length;
    return {
      ...idle,
      ran: true,
      orders: orders.length,
      pairs: pairs.length,
      offered,
      missed: pairs.length - offered,
    };
  });
  return result.locked ? result.value : { ...idle, ran: false };
}
