/**
 * The policies a replay compares. Every one uses the engine's eligibility (`ineligibilityReason`)
 * and the same offer cycle (lib/dispatch/dispatch-policy.ts); they differ only in who is
 * offered an order:
 *
 * - `ranked`: the engine as configured — `rankCandidates`, best first (`candidatesToTry`).
 * - `nearest`: greedy nearest eligible driver, one order at a time.
 * - `original`: the Django original's rule — a driver of the pickup's region first, then the
 *   fewest trips today, then distance.
 * - `batch`: `assignBatch` with the configured DISPATCH_COST_* weights, one round every
 *   DISPATCH_BATCH_WINDOW_MS over every order waiting in matching.
 * - `batch-optimum`: the same rounds with `distanceOnlyWeights` (minimum total pickup
 *   distance): the efficiency reference.
 */
import { candidatesToTry } from '../dispatch/dispatch-policy.js';
import { distanceOnlyWeights, type PairCostWeights } from '../dispatch/pair-cost.js';
import {
  ineligibilityReason,
  rankCandidates,
  type CandidateFacts,
  type OrderNeeds,
  type RankingSettings,
} from '../dispatch/rank-candidates.js';

export const policyNames = ['ranked', 'nearest', 'original', 'batch', 'batch-optimum'] as const;
export type PolicyName = (typeof policyNames)[number];

export const isPolicyName = (name: string): name is PolicyName =>
  (policyNames as readonly string[]).includes(name);

/** Batch policies decide in rounds; the others per order, on each match job run. */
export const isBatchPolicy = (p: PolicyName) => p === 'batch' || p === 'batch-optimum';

export function batchWeights(policy: PolicyName, configured: PairCostWeights): PairCostWeights {
  return policy === 'batch-optimum' ? distanceOnlyWeights : configured;
}

type Chooser = (
  needs: OrderNeeds,
  candidates: readonly CandidateFacts[],
  settings: RankingSettings,
) => CandidateFacts | undefined;

function bestEligible(
  needs: OrderNeeds,
  candidates: readonly CandidateFacts[],
  settings: RankingSettings,
  better: (a: CandidateFacts, b: CandidateFacts) => number,
): CandidateFacts | undefined {
  let best: CandidateFacts | undefined;
  for (const c of candidates) {
    if (ineligibilityReason(needs, c, settings) !== null) continue;
    if (best === undefined || better(c, best) < 0) best = c;
  }
  return best;
}

const byDistance = (a: CandidateFacts, b: CandidateFacts) =>
  a.distance_m - b.distance_m || a.driver_id - b.driver_id;

export const chooseDriver: Record<'ranked' | 'nearest' | 'original', Chooser> = {
  ranked: (needs, candidates, settings) =>
    candidatesToTry(rankCandidates(needs, candidates, settings).candidates)[0],
  nearest: (needs, candidates, settings) => bestEligible(needs, candidates, settings, byDistance),
  original: (needs, candidates, settings) =>
    bestEligible(
      needs,
      candidates,
      settings,
      (a, b) =>
        Number(b.region_id === needs.region_id) - Number(a.region_id === needs.region_id) ||
        a.trips_today - b.trips_today ||
        byDistance(a, b),
    ),
};
