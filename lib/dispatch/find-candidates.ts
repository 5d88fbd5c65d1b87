/**
 * Finds and ranks the drivers who may be offered an order right now: positions from the H3
 * index (fresh, within the maximum pickup distance), availability, exclusions and trips today
 * from ONE database query, order by the pure ranking. Read-only, so safe to call from any
 * worker at any time; reserving the winner is the caller's separate step.
 *
 * With no candidate it says why, in words a dispatcher can act on.
 */
import {
  findCandidateDrivers,
  type CandidateDriverRow,
} from '../../db/repositories/dispatch-candidate.repository.js';
import type { OrderRow } from '../../db/repositories/order.repository.js';
import type { AppDeps } from '../deps.js';
import {
  rankCandidates,
  type CandidateFacts,
  type ExcludedCandidate,
  type RankedCandidate,
  type RankingSettings,
} from './rank-candidates.js';

export type FindCandidatesDeps = Pick<AppDeps, 'db' | 'config' | 'clock' | 'positionIndex'>;

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
}

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

/** The first condition, in the order a dispatcher would check them, that left nobody. */
function rejectionCodeFor(
  order: OrderRow,
  available: CandidateDriverRow[],
  settings: RankingSettings,
): RejectionCode {
  const inRegion =
    settings.regionMode === 'hard'
      ? available.filter((d) => d.region_id === order.region_id)
      : available;
  if (inRegion.length === 0) return 'no_driver_in_region';
  const accessible = order.needs_wheelchair_access
    ? inRegion.filter((d) => d.wheelchair_accessible)
    : inRegion;
  if (accessible.length === 0) return 'no_accessible_vehicle';
  if (!accessible.some((d) => d.capacity >= order.seats_needed)) return 'no_vehicle_big_enough';
  return 'all_declined';
}

export async function findRankedCandidates(
  deps: FindCandidatesDeps,
  order: OrderRow,
  options: FindCandidatesOptions = {},
): Promise<CandidateSearch> {
  const settings = rankingSettings(deps.config);
  const now = deps.clock.now();
  const freshSince = new Date(now.getTime() - deps.config.dispatch.positionFreshSeconds * 1000);
  // One round trip makes the search see every position written before it, by any process.
  await deps.positionIndex.sync();
  const nearby = await deps.positionIndex.nearby({
    lat: order.pickup_lat,
    lon: order.pickup_lon,
    radiusMeters: settings.maxPickupKm * 1000,
    freshSince,
  });
  const none = (code: RejectionCode, excluded: CandidateSearch['excluded'] = []) => ({
    candidates: [],
    rejectionCode: code,
    rejectionReason: explain(code, order, settings.maxPickupKm, settings.regionMode),
    excluded,
  });
  if (nearby.length === 0) return none('no_driver_online');

  const available = await findCandidateDrivers(deps.db.knex, {
    orderId: order.id,
    driverIds: nearby.map((n) => n.driverId),
    freshSince,
    now,
    timeZone: deps.config.timeZone,
  });
  if (available.length === 0) return none('all_busy');

  const distanceOf = new Map(nearby.map((n) => [n.driverId, n.distanceMeters]));
  const extraExcluded = new Set(options.excludeDriverIds ?? []);
  const declined = available.filter((d) => d.is_excluded || extraExcluded.has(d.id));
  const facts: CandidateFacts[] = available
    .filter((d) => !d.is_excluded && !extraExcluded.has(d.id))
    .map((d) => ({
      driver_id: d.id,
      name: d.name,
      region_id: d.region_id,
      car_model: d.car_model,
      capacity: d.capacity,
      wheelchair_accessible: d.wheelchair_accessible,
      distance_m: distanceOf.get(d.id) ?? Number.POSITIVE_INFINITY,
      trips_today: d.trips_today,
    }));
  const ranking = rankCandidates(order, facts, settings);
  const excluded = [
    ...ranking.excluded,
    ...declined.map((d) => ({ driver_id: d.id, reason: 'declined' as const })),
  ];
  if (ranking.candidates.length > 0) {
    return { candidates: ranking.candidates, rejectionReason: null, rejectionCode: null, excluded };
  }
  return none(rejectionCodeFor(order, available, settings), excluded);
}
