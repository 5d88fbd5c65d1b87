/**
 * Finds and ranks the drivers who may be offered an order right now: the nearest K eligible
 * free drivers (candidate-pool.ts), found by widening the H3 index's nearest-first answer
 * (fresh positions within the maximum pickup distance) until K are eligible or the reach is
 * exhausted; availability and trips today from the worker's in-memory supply when the order
 * was loaded with a supply barrier (supply-follower.ts: at least as new as every change
 * committed before the order was read; exclusions read with the order), else from ONE
 * database query per widening pass over the drivers not yet looked up (exclusions with it);
 * order by the pure ranking. Read-only, so safe to call from any worker at any time;
 * reserving the winner is the caller's separate step (its conditional update is the truth).
 *
 * With no candidate it says why, in words a dispatcher can act on: then the search has seen
 * every driver within the reach, so the reason is the same as an unbounded search's.
 */
import { findCandidateDrivers } from '../../db/repositories/dispatch-candidate.repository.js';
import type { OrderRow } from '../../db/repositories/order.repository.js';
import type { AppDeps } from '../deps.js';
import { tripsTodayRule } from '../drivers/trips-today.js';
import type { NearbyDriver } from '../geo/driver-position-index.js';
import {
  candidatePoolSize,
  firstAskFactor,
  nearestEligible,
  rankPool,
  widenFactor,
  type FreeDriver,
} from './candidate-pool.js';
import type { SupplyTicket } from './supply-follower.js';
import {
  ineligibilityReason,
  type CandidateFacts,
  type ExcludedCandidate,
  type OrderNeeds,
  type RankedCandidate,
  type RankingSettings,
} from './rank-candidates.js';

export type FindCandidatesDeps = Pick<
  AppDeps,
  'db' | 'config' | 'clock' | 'positionIndex' | 'driverSupply'
>;

export type RejectionCode =
  | 'no_driver_online'
  | 'all_busy'
  | 'no_driver_in_region'
  | 'no_accessible_vehicle'
  | 'no_vehicle_big_enough'
  | 'all_declined';

export interface CandidateSearch {
  candidates: RankedCandidate[];
  /** Why there is no candidate (null when there is one), for the order's rejection_reason. */
  rejectionReason: string | null;
  rejectionCode: RejectionCode | null;
  /** Drivers near the pickup and free, but not eligible for this order, with why. */
  excluded: (ExcludedCandidate | { driver_id: number; reason: 'declined' })[];
}

export interface FindCandidatesOptions {
  /** Drivers to leave out besides those recorded in order_excluded_drivers. */
  excludeDriverIds?: readonly number[];
  /** From `loadOrderForSearch`: read the facts from the in-memory supply (else SQL). */
  supply?: SupplyTicket;
}

/** Free drivers among `ids` with their facts; `is_excluded` marks the order's exclusions. */
type LookUp = (ids: number[]) => Promise<(FreeDriver & { is_excluded: boolean })[]>;

export function rankingSettings(config: AppDeps['config']): RankingSettings {
  const { regionMode, fairnessMaxExtraKm, accessibleReserveKm, maxPickupKm } = config.dispatch;
  return { regionMode, fairnessMaxExtraKm, accessibleReserveKm, maxPickupKm };
}

function explain(code: RejectionCode, order: OrderRow, km: number, regionMode: string): string {
  switch (code) {
    case 'no_driver_online':
      return `No driver is online with a fresh position within ${km} km of the pickup.`;
    case 'all_busy':
      return `Every driver online within ${km} km of the pickup is busy with another order.`;
    case 'no_driver_in_region':
      return `No driver of region ${order.region_id} is free within ${km} km of the pickup (region mode ${regionMode}: other regions are not used).`;
    case 'no_accessible_vehicle':
      return `No wheelchair-accessible vehicle is free within ${km} km of the pickup.`;
    case 'no_vehicle_big_enough':
      return `No free vehicle within ${km} km of the pickup has ${order.seats_needed} passenger seats.`;
    case 'all_declined':
      return `Every free driver within ${km} km of the pickup has declined, missed or withdrawn from this order.`;
  }
}

/**
 * The first condition, in the order a dispatcher would check them, that left nobody: the one
 * eligibility rule applied with the order's needs added one at a time.
 */
function rejectionCodeFor(
  order: OrderRow,
  available: readonly CandidateFacts[],
  settings: RankingSettings,
): RejectionCode {
  const anyFits = (needs: OrderNeeds) =>
    available.some((d) => ineligibilityReason(needs, d, settings) === null);
  if (!anyFits({ ...order, needs_wheelchair_access: false, seats_needed: 0 })) {
    return 'no_driver_in_region';
  }
  if (!anyFits({ ...order, seats_needed: 0 })) return 'no_accessible_vehicle';
  if (!anyFits(order)) return 'no_vehicle_big_enough';
  return 'all_declined';
}

export async function findRankedCandidates(
  deps: FindCandidatesDeps,
  order: OrderRow,
  options: FindCandidatesOptions = {},
): Promise<CandidateSearch> {
  const settings = rankingSettings(deps.config);
  const pool = candidatePoolSize(deps.config.dispatch.batchCandidates);
  const now = deps.clock.now();
  const freshSince = new Date(now.getTime() - deps.config.dispatch.positionFreshSeconds * 1000);
  // One round trip (shared by concurrent searches) makes the search see every position
  // written before it, by any process; the supply barrier is awaited meanwhile.
  const [, supply] = await Promise.all([
    deps.positionIndex.sync(),
    options.supply?.barrier
      ? deps.driverSupply.factsAfter(options.supply.barrier, now.getTime())
      : null,
  ]);
  const lookUp: LookUp = supply
    ? (ids) =>
        Promise.resolve(
          ids.flatMap((id) => {
            const driver = supply.free(id);
            return driver ? [{ ...driver, is_excluded: false }] : [];
          }),
        )
    : async (ids) =>
        (
          await findCandidateDrivers(deps.db.knex, {
            orderId: order.id,
            driverIds: ids,
            freshSince,
            now,
            tripsToday: tripsTodayRule(deps.config),
          })
        ).map(({ id, ...facts }) => ({ driver_id: id, ...facts }));

  // Drivers looked up so far: free ones with their facts; busy ones are simply absent.
  const free = new Map<number, FreeDriver>();
  const lookedUp = new Set<number>();
  const declined = new Set<number>([
    ...(options.excludeDriverIds ?? []),
    ...(supply ? (options.supply?.excludedDriverIds ?? []) : []),
  ]);
  let nearby: NearbyDriver[];
  for (let limit = pool * firstAskFactor; ; limit *= widenFactor) {
    nearby = await deps.positionIndex.nearby({
      lat: order.pickup_lat,
      lon: order.pickup_lon,
      radiusMeters: settings.maxPickupKm * 1000,
      freshSince,
      limit,
    });
    const unseen = nearby.map((n) => n.driverId).filter((id) => !lookedUp.has(id));
    for (const { is_excluded, ...facts } of await lookUp(unseen)) {
      free.set(facts.driver_id, facts);
      if (is_excluded) declined.add(facts.driver_id);
    }
    for (const id of unseen) lookedUp.add(id);
    const eligible = nearestEligible(order, nearby, free, declined, settings, pool).length;
    // A short answer means the index has nobody more within the reach.
    if (eligible >= pool || nearby.length < limit) break;
  }

  const none = (code: RejectionCode, excluded: CandidateSearch['excluded'] = []) => ({
    candidates: [],
    rejectionCode: code,
    rejectionReason: explain(code, order, settings.maxPickupKm, settings.regionMode),
    excluded,
  });
  if (nearby.length === 0) return none('no_driver_online');
  const { ranking, available } = rankPool(order, nearby, free, declined, settings, pool);
  if (available.length === 0) return none('all_busy');
  const excluded = [
    ...ranking.excluded,
    ...available
      .filter((d) => declined.has(d.driver_id))
      .map((d) => ({ driver_id: d.driver_id, reason: 'declined' as const })),
  ];
  if (ranking.candidates.length > 0) {
    return { candidates: ranking.candidates, rejectionReason: null, rejectionCode: null, excluded };
  }
  return none(rejectionCodeFor(order, available, settings), excluded);
}
