/**
 * The policies a replay compares. Every one uses the engine's eligibility (`ineligibilityReason`)
 * and the same offer cycle (lib/dispatch/dispatch-policy.ts); they differ only in who is
 * offered an order. Each gets what the engine's search gets from the position index and the
 * database (`DriverSearch`: the drivers in reach nearest first, the free ones' facts, the
 * order's exclusions), and the engine policies choose their pool from it with the engine's
 * own pure code (lib/dispatch/candidate-pool.ts):
 *
 * - `ranked`: the engine as configured — `rankPool` over the nearest K eligible drivers
 *   (`candidatePoolSize`, as `findRankedCandidates`), best first (`candidatesToTry`).
 * - `nearest`: greedy nearest eligible driver, one order at a time.
 * - `original`: the Django original's rule — a driver of the pickup's region first, then the
 *   fewest trips today, then distance — over every eligible driver in reach.
 * - `batch`: `assignBatch` with the configured DISPATCH_COST_* weights, one round every
 *   DISPATCH_BATCH_WINDOW_MS over the orders waiting in matching, each with its nearest
 *   DISPATCH_BATCH_CANDIDATES eligible drivers (`nearestEligible`, as `roundCandidates`).
 * - `batch-optimum`: the same rounds with `distanceOnlyWeights` (minimum total pickup
 *   distance): the efficiency reference.
 */
import {
  candidatePoolSize,
  firstAskFactor,
  nearestEligible,
  rankPool,
  widenFactor,
  type FreeDriver,
} from '../dispatch/candidate-pool.js';
import { candidatesToTry } from '../dispatch/dispatch-policy.js';
import { distanceOnlyWeights, type PairCostWeights } from '../dispatch/pair-cost.js';
import {
  ineligibilityReason,
  type CandidateFacts,
  type OrderNeeds,
  type RankedCandidate,
  type RankingSettings,
} from '../dispatch/rank-candidates.js';
import type { NearbyDriver } from '../geo/driver-position-index.js';

export const policyNames = ['ranked', 'nearest', 'original', 'batch', 'batch-optimum'] as const;
export type PolicyName = (typeof policyNames)[number];

export const isPolicyName = (name: string): name is PolicyName =>
  (policyNames as readonly string[]).includes(name);

/** Batch policies decide in rounds; the others per order, on each match job run. */
export const isBatchPolicy = (p: PolicyName) => p === 'batch' || p === 'batch-optimum';

export function batchWeights(policy: PolicyName, configured: PairCostWeights): PairCostWeights {
  return policy === 'batch-optimum' ? distanceOnlyWeights : configured;
}

/** One order's search, as the engine's index and candidate query would answer it. */
export interface DriverSearch {
  needs: OrderNeeds;
  /** Every driver within reach, in no particular order. */
  inReach: readonly NearbyDriver[];
  /**
   * The index's answer to a search with this `limit`: the nearest `limit` drivers within
   * reach (all of them without one), nearest first, ties by driver id.
   */
  nearby: (limit?: number) => readonly NearbyDriver[];
  /** The free drivers' facts; busy drivers are absent. */
  free: ReadonlyMap<number, FreeDriver>;
  /** Drivers who declined, missed or withdrew from this order. */
  excluded: ReadonlySet<number>;
  settings: RankingSettings;
  /** DISPATCH_BATCH_CANDIDATES: `candidatePoolSize` is never below it. */
  batchCandidates: number;
}

/**
 * The index answer the engine's widening search ends with (find-candidates.ts,
 * round-candidates.ts): ask for `firstAskFactor` × wanted, widen × `widenFactor` until
 * `wanted` are eligible or the answer is short (nobody more within reach). Only the cost
 * depends on where it stops: any answer holding the nearest `wanted` eligible drivers gives
 * `nearestEligible` and `rankPool` the same pool as the whole reach would.
 */
function widenedAnswer(s: DriverSearch, wanted: number): readonly NearbyDriver[] {
  for (let limit = wanted * firstAskFactor; ; limit *= widenFactor) {
    const nearby = s.nearby(limit);
    if (nearby.length < limit) return nearby;
    const found = nearestEligible(s.needs, nearby, s.free, s.excluded, s.settings, wanted);
    if (found.length >= wanted) return nearby;
  }
}

const poolSize = (s: DriverSearch) => candidatePoolSize(s.batchCandidates);

/** The engine's ranked search: its pool of the nearest K eligible, ranked, best first. */
export function rankedCandidates(s: DriverSearch): RankedCandidate[] {
  const nearby = widenedAnswer(s, poolSize(s));
  return rankPool(s.needs, nearby, s.free, s.excluded, s.settings, poolSize(s)).ranking.candidates;
}

/** An order's candidates in a batch round: its nearest eligible drivers, as `roundCandidates`. */
export function batchCandidates(s: DriverSearch): CandidateFacts[] {
  const nearby = widenedAnswer(s, s.batchCandidates);
  return nearestEligible(s.needs, nearby, s.free, s.excluded, s.settings, s.batchCandidates);
}

type Chooser = (search: DriverSearch) => CandidateFacts | undefined;

/** The Django original's order: home region, then fewest trips today, then distance, id. */
function originalBest(s: DriverSearch): CandidateFacts | undefined {
  const home = (c: CandidateFacts) => Number(c.region_id === s.needs.region_id);
  let best: CandidateFacts | undefined;
  // One scratch object for every driver looked at: this scan covers the whole reach.
  const facts = { distance_m: 0 } as CandidateFacts;
  for (const p of s.inReach) {
    const driver = s.free.get(p.driverId);
    if (!driver || s.excluded.has(p.driverId)) continue;
    Object.assign(facts, driver, { distance_m: p.distanceMeters });
    if (ineligibilityReason(s.needs, facts, s.settings) !== null) continue;
    if (
      best === undefined ||
      (home(best) - home(facts) ||
        facts.trips_today - best.trips_today ||
        facts.distance_m - best.distance_m ||
        facts.driver_id - best.driver_id) < 0
    ) {
      best = { ...facts };
    }
  }
  return best;
}

export const chooseDriver: Record<'ranked' | 'nearest' | 'original', Chooser> = {
  ranked: (s) => candidatesToTry(rankedCandidates(s))[0],
  nearest: (s) =>
    nearestEligible(s.needs, widenedAnswer(s, 1), s.free, s.excluded, s.settings, 1)[0],
  original: originalBest,
};
