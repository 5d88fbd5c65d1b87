/**
 * The cost of offering one order to one driver, in metres of pickup distance, so that each
 * weight reads plainly ("an accessible vehicle on an ambulatory trip costs as much as 1.5 km
 * more driving"). Pure: the batch rounds of the engine, the replay simulator and the
 * dispatcher's candidates view all price a pair with this one function.
 *
 *   total = pickup distance
 *         + other-region penalty        (driver's home region is not the pickup's)
 *         + fairness term               (per trip today above the fewest among the candidates)
 *         + accessible-vehicle reserve  (accessible vehicle, ambulatory trip)
 *         − urgency credit              (per minute waited in matching, capped)
 *
 * Eligibility is not priced here: `ineligibilityReason` in rank-candidates.ts is the one rule.
 */
import type { CandidateFacts, OrderNeeds } from './rank-candidates.js';

export interface PairCostWeights {
  otherRegionM: number;
  fairnessPerTripM: number;
  accessibleReserveM: number;
  urgencyPerMinuteM: number;
  urgencyMaxM: number;
}

/** Each term of a pair's cost, in metres; `total_m` is what the solver minimises. */
export interface PairCostTerms {
  pickup_m: number;
  other_region_m: number;
  fairness_m: number;
  accessible_reserve_m: number;
  urgency_credit_m: number;
  total_m: number;
}

export interface WaitingOrderNeeds extends OrderNeeds {
  /** Seconds since the order's current search began (for the urgency credit). */
  waited_seconds: number;
}

/** The weights that make the cost plain pickup distance (the efficiency reference). */
export const distanceOnlyWeights: PairCostWeights = {
  otherRegionM: 0,
  fairnessPerTripM: 0,
  accessibleReserveM: 0,
  urgencyPerMinuteM: 0,
  urgencyMaxM: 0,
};

export function urgencyCreditM(waitedSeconds: number, weights: PairCostWeights): number {
  return Math.min(
    weights.urgencyMaxM,
    (Math.max(0, waitedSeconds) / 60) * weights.urgencyPerMinuteM,
  );
}

/**
 * @param fewestTripsToday the fewest trips today among the order's eligible candidates, so the
 *   fairness term is relative: the least-used driver near the pickup pays nothing.
 */
export function pairCost(
  order: WaitingOrderNeeds,
  facts: CandidateFacts,
  fewestTripsToday: number,
  weights: PairCostWeights,
): PairCostTerms {
  const pickup_m = facts.distance_m;
  const other_region_m = facts.region_id === order.region_id ? 0 : weights.otherRegionM;
  const fairness_m = Math.max(0, facts.trips_today - fewestTripsToday) * weights.fairnessPerTripM;
  const accessible_reserve_m =
    facts.wheelchair_accessible && !order.needs_wheelchair_access ? weights.accessibleReserveM : 0;
  const urgency_credit_m = urgencyCreditM(order.waited_seconds, weights);
  const round = (m: number) => Math.round(m * 10) / 10;
  return {
    pickup_m: round(pickup_m),
    other_region_m: round(other_region_m),
    fairness_m: round(fairness_m),
    accessible_reserve_m: round(accessible_reserve_m),
    urgency_credit_m: round(urgency_credit_m),
    total_m: round(
      pickup_m + other_region_m + fairness_m + accessible_reserve_m - urgency_credit_m,
    ),
  };
}
