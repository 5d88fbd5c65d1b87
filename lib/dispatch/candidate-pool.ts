/**
 * How many drivers a search looks at: the nearest K eligible free drivers of the pickup, not
 * every driver within the reach. Pure, so the ranked search (find-candidates.ts), the batch
 * rounds (round-candidates.ts) and the tests that compare bounded with unbounded searches all
 * choose the pool with the very same code.
 */
import type { NearbyDriver } from '../geo/driver-position-index.js';
import {
  ineligibilityReason,
  rankCandidates,
  type CandidateFacts,
  type OrderNeeds,
  type Ranking,
  type RankingSettings,
} from './rank-candidates.js';

/**
 * K, the nearest eligible drivers one ranked search ranks. Why it is enough:
 * - a search offers to at most `maxReservationTries` (10) of them, best first, so K ≥ 3 × 10
 *   leaves room for region priority, the accessible reserve and fairness to reorder them;
 * - fairness (fewest trips today first) is decided among the drivers within
 *   `DISPATCH_FAIRNESS_MAX_EXTRA_KM` of the nearest; with more than K drivers that close, it
 *   is decided among the K nearest of them, a neighbourhood of 32, which keeps the rule's
 *   intent (the nearby driver with the fewest trips first) without loading a whole city;
 * - the dispatcher's candidates view marks the nearest `DISPATCH_BATCH_CANDIDATES` (the
 *   drivers a batch round prices), so K is never below that setting (`candidatePoolSize`).
 * When fewer than K are eligible within the reach, the search has seen everyone within it and
 * the answer equals the unbounded one.
 */
export const rankedCandidatePool = 32;

export const candidatePoolSize = (batchCandidates: number): number =>
  Math.max(rankedCandidatePool, batchCandidates);

/** The first index query asks for this many × K: covers the usual share of busy drivers. */
export const firstAskFactor = 2;
/** Each widening asks the index for this many times more. */
export const widenFactor = 4;

/** What the database says about a free driver; the distance comes from the index. */
export type FreeDriver = Omit<CandidateFacts, 'distance_m'>;

/**
 * The nearest `wanted` eligible drivers of one order from its nearby answer (nearest first),
 * leaving out busy drivers (absent from `free`) and the order's exclusions.
 */
export function nearestEligible(
  order: OrderNeeds,
  nearby: readonly NearbyDriver[],
  free: ReadonlyMap<number, FreeDriver>,
  excluded: ReadonlySet<number>,
  settings: RankingSettings,
  wanted: number,
): CandidateFacts[] {
  const chosen: CandidateFacts[] = [];
  for (const position of nearby) {
    const driver = free.get(position.driverId);
    if (!driver || excluded.has(driver.driver_id)) continue;
    const facts = { ...driver, distance_m: position.distanceMeters };
    if (ineligibilityReason(order, facts, settings)) continue;
    chosen.push(facts);
    if (chosen.length === wanted) break;
  }
  return chosen;
}

export interface PoolRanking {
  ranking: Ranking;
  /** Every free driver looked at, nearest first, with its distance (declined ones too). */
  available: CandidateFacts[];
}

/**
 * The ranking of the pool: the nearest `pool` eligible drivers, plus the ineligible ones
 * looked at (so the answer says why they are not ranked). Drivers in `declined` are neither.
 * With `pool` = Infinity this is the unbounded search's ranking over the same drivers.
 */
export function rankPool(
  order: OrderNeeds,
  nearby: readonly NearbyDriver[],
  free: ReadonlyMap<number, FreeDriver>,
  declined: ReadonlySet<number>,
  settings: RankingSettings,
  pool: number,
): PoolRanking {
  const available = nearby.flatMap((n) => {
    const driver = free.get(n.driverId);
    return driver ? [{ ...driver, distance_m: n.distanceMeters }] : [];
  });
  const eligible = nearestEligible(order, nearby, free, declined, settings, pool);
  const ineligible = available.filter(
    (d) => !declined.has(d.driver_id) && ineligibilityReason(order, d, settings) !== null,
  );
  return { ranking: rankCandidates(order, [...eligible, ...ineligible], settings), available };
}
