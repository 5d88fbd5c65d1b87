/**
 * The candidates one order brings to a batch round, cut down WITHOUT changing the round's
 * answer: `assignBatch` keeps each order's `candidatesPerOrder` cheapest eligible drivers,
 * priced by `pairCost` relative to the fewest trips today among ALL eligible candidates.
 *
 * Every cost term but the urgency credit is ≥ 0, so a driver farther than T costs more than
 * T − urgency. The subset "drivers within T, plus one eligible driver with the fewest trips
 * today" therefore has the same fewest-trips reference and, once its K-th cheapest cost is
 * below T − urgency, the same K cheapest drivers as the whole set. T starts just past the
 * 2K-th nearest eligible driver and doubles until that holds (or reaches everyone). A replay with ~1,500 free drivers per order
 * prices a few dozen instead of all of them. `test/unit/batch-candidates.test.ts` checks the
 * rounds come out the same as with every driver.
 */
import { costCandidates } from '../dispatch/assign-batch.js';
import type { PairCostWeights, WaitingOrderNeeds } from '../dispatch/pair-cost.js';
import {
  ineligibilityReason,
  type CandidateFacts,
  type RankingSettings,
} from '../dispatch/rank-candidates.js';
import { urgencyCreditM } from '../dispatch/pair-cost.js';

export interface PruneSettings extends RankingSettings {
  candidatesPerOrder: number;
  weights: PairCostWeights;
}

/**
 * @param all every free driver in reach with its distance to this order's pickup; objects
 *   are only read, and the returned subset holds fresh copies the caller may keep.
 */
export function batchCandidates(
  order: WaitingOrderNeeds,
  all: readonly CandidateFacts[],
  settings: PruneSettings,
): CandidateFacts[] {
  let fewest: CandidateFacts | undefined;
  const eligibleM: number[] = [];
  for (const c of all) {
    if (ineligibilityReason(order, c, settings) !== null) continue;
    eligibleM.push(c.distance_m);
    if (
      fewest === undefined ||
      c.trips_today < fewest.trips_today ||
      (c.trips_today === fewest.trips_today && c.driver_id < fewest.driver_id)
    ) {
      fewest = c;
    }
  }
  if (fewest === undefined) return [];
  const urgency = urgencyCreditM(order.waited_seconds, settings.weights);
  const maxM = settings.maxPickupKm * 1000;
  // Start where about twice K eligible drivers are in: usually one pass is enough.
  const startM = Float64Array.from(eligibleM).sort()[2 * settings.candidatesPerOrder - 1];
  for (let thresholdM = Math.max(200, (startM ?? maxM) + 500); ; thresholdM *= 2) {
    const subset = all.filter((c) => c.distance_m <= thresholdM || c === fewest);
    if (thresholdM >= maxM) return subset.map((c) => ({ ...c }));
    const { costed } = costCandidates(order, subset, settings);
    const kth = costed[settings.candidatesPerOrder - 1];
    if (kth && kth.cost.total_m + urgency + 0.1 < thresholdM) return subset.map((c) => ({ ...c }));
  }
}
