/**
 * The ranking of candidate drivers for one order: pure, no I/O, so the dispatch worker and the
 * dispatcher's candidates view rank with the very same code. Rules (docs/dispatch-engine.md):
 *
 * 1. Eligibility: within `maxPickupKm`, `capacity >= seats_needed`, accessible when the order
 *    needs it, and of the pickup's region when `regionMode` is `hard`. Others are excluded with
 *    a reason.
 * 2. Region priority: same-region drivers before every other-region driver.
 * 3. Accessible reserve (ambulatory orders only): an accessible vehicle is held back, behind
 *    the non-accessible vehicles of its region group, when some non-accessible vehicle of that
 *    group is at most `accessibleReserveKm` farther from the pickup than it is.
 * 4. Fairness: within a (region, reserve) bucket, drivers at most `fairnessMaxExtraKm` farther
 *    than the bucket's nearest driver form the fairness margin and go first, fewest trips
 *    today first; the rest follow by distance.
 * 5. Then pickup distance (haversine, computed by the caller), then driver id: deterministic.
 */

export interface OrderNeeds {
  pickup_lat: number;
  pickup_lon: number;
  region_id: string;
  seats_needed: number;
  needs_wheelchair_access: boolean;
}

export interface CandidateFacts {
  driver_id: number;
  name: string;
  region_id: string;
  car_model: string;
  capacity: number;
  wheelchair_accessible: boolean;
  /** Great-circle distance from the driver's last position to the pickup. */
  distance_m: number;
  trips_today: number;
}

export interface RankingSettings {
  regionMode: 'priority' | 'hard';
  fairnessMaxExtraKm: number;
  accessibleReserveKm: number;
  maxPickupKm: number;
}

/** A candidate's facts with each ranking factor and its place. */
export interface RankedCandidate extends CandidateFacts {
  region_match: boolean;
  /** Accessible vehicle kept back for wheelchair users (ranked behind the other vehicles). */
  held_for_accessibility: boolean;
  /** Within the fairness margin of the nearest driver, so trips today decided its place. */
  within_fairness_margin: boolean;
  /**
   * The sort key as one number, lower is better: thousands = tier (region, reserve, outside
   * the fairness margin), units = trips today when within the margin (capped at 999),
   * fraction = distance / max pickup distance. Ties are broken by driver id.
   */
  score: number;
  /** 1 = offered first. */
  rank: number;
}

/** Why a driver near the pickup is not ranked for this order (rule 1, eligibility). */
export type IneligibilityReason = 'too_far' | 'too_small' | 'not_accessible' | 'other_region';

export interface ExcludedCandidate {
  driver_id: number;
  reason: IneligibilityReason;
}

export interface Ranking {
  candidates: RankedCandidate[];
  excluded: ExcludedCandidate[];
}

/** Eligibility, the one rule: null when the driver may be ranked for these needs. */
export function ineligibilityReason(
  needs: OrderNeeds,
  facts: CandidateFacts,
  settings: RankingSettings,
): IneligibilityReason | null {
  if (facts.distance_m > settings.maxPickupKm * 1000) return 'too_far';
  if (needs.needs_wheelchair_access && !facts.wheelchair_accessible) return 'not_accessible';
  if (facts.capacity < needs.seats_needed) return 'too_small';
  if (settings.regionMode === 'hard' && facts.region_id !== needs.region_id) return 'other_region';
  return null;
}

interface Keyed {
  facts: CandidateFacts;
  regionMatch: boolean;
  held: boolean;
  withinMargin: boolean;
}

const tierOf = (k: Keyed) => (k.regionMatch ? 0 : 4) + (k.held ? 2 : 0) + (k.withinMargin ? 0 : 1);

function compareKeyed(a: Keyed, b: Keyed): number {
  return (
    tierOf(a) - tierOf(b) ||
    (a.withinMargin ? a.facts.trips_today - b.facts.trips_today : 0) ||
    a.facts.distance_m - b.facts.distance_m ||
    a.facts.driver_id - b.facts.driver_id
  );
}

/** Marks accessible vehicles held back for wheelchair users within one region group. */
function markReserve(group: Keyed[], needs: OrderNeeds, settings: RankingSettings): void {
  if (needs.needs_wheelchair_access) return;
  const regular = group.filter((k) => !k.facts.wheelchair_accessible);
  if (regular.length === 0) return;
  const nearestRegularM = Math.min(...regular.map((k) => k.facts.distance_m));
  for (const k of group) {
    k.held =
      k.facts.wheelchair_accessible &&
      nearestRegularM - k.facts.distance_m <= settings.accessibleReserveKm * 1000;
  }
}

/** Marks who is within the fairness margin of the nearest driver of its bucket. */
function markFairness(bucket: Keyed[], settings: RankingSettings): void {
  if (bucket.length === 0) return;
  const nearestM = Math.min(...bucket.map((k) => k.facts.distance_m));
  for (const k of bucket) {
    k.withinMargin = k.facts.distance_m - nearestM <= settings.fairnessMaxExtraKm * 1000;
  }
}

export function rankCandidates(
  needs: OrderNeeds,
  candidates: readonly CandidateFacts[],
  settings: RankingSettings,
): Ranking {
  const excluded: ExcludedCandidate[] = [];
  const eligible: Keyed[] = [];
  for (const facts of candidates) {
    const reason = ineligibilityReason(needs, facts, settings);
    if (reason) excluded.push({ driver_id: facts.driver_id, reason });
    else
      eligible.push({
        facts,
        regionMatch: facts.region_id === needs.region_id,
        held: false,
        withinMargin: true,
      });
  }
  for (const regionMatch of [true, false]) {
    const group = eligible.filter((k) => k.regionMatch === regionMatch);
    markReserve(group, needs, settings);
    for (const held of [false, true])
      markFairness(
        group.filter((k) => k.held === held),
        settings,
      );
  }
  eligible.sort(compareKeyed);
  const maxPickupM = settings.maxPickupKm * 1000;
  return {
    candidates: eligible.map((k, index) => ({
      driver_id: k.facts.driver_id,
      name: k.facts.name,
      region_id: k.facts.region_id,
      car_model: k.facts.car_model,
      capacity: k.facts.capacity,
      wheelchair_accessible: k.facts.wheelchair_accessible,
      distance_m: Math.round(k.facts.distance_m),
      region_match: k.regionMatch,
      trips_today: k.facts.trips_today,
      held_for_accessibility: k.held,
      within_fairness_margin: k.withinMargin,
      score: Number(
        (
          tierOf(k) * 1000 +
          (k.withinMargin ? Math.min(k.facts.trips_today, 999) : 0) +
          (maxPickupM > 0 ? k.facts.distance_m / (maxPickupM + 1) : 0)
        ).toFixed(6),
      ),
      rank: index + 1,
    })),
    excluded: excluded.sort((a, b) => a.driver_id - b.driver_id),
  };
}
