/**
 * The operator's quality report figures for one region and local day, pure: computed from
 * the raw facts with the same metric functions as the replay simulator's report.
 */
import type {
  DriverDayTrips,
  OrderQualityFacts,
} from '../../db/repositories/dispatch-quality.repository.js';
import { gini, mean, percentile, shareAtMost } from './dispatch-metrics.js';

/** A wheelchair request counts as served in time when assigned within this. */
export const wheelchairAssignedWithinSeconds = 15 * 60;

export interface DispatchQualityDay {
  region_id: string;
  day: string;
  orders: number;
  assigned_orders: number;
  time_to_assignment_s_p50: number | null;
  time_to_assignment_s_p90: number | null;
  pickup_km_mean: number | null;
  wheelchair_requests: number;
  wheelchair_assigned_within_15_min_share: number | null;
  offers_declined: number;
  offers_expired: number;
  active_drivers: number;
  driver_trips_gini: number | null;
  driver_trips_min: number | null;
  driver_trips_max: number | null;
}

const rounded = (value: number | null, digits: number) =>
  value === null ? null : Number(value.toFixed(digits));

const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);

export function summariseQualityDay(
  regionId: string,
  day: string,
  orders: readonly OrderQualityFacts[],
  drivers: readonly DriverDayTrips[],
): DispatchQualityDay {
  const waits = orders.flatMap((o) =>
    o.seconds_to_assignment === null ? [] : [o.seconds_to_assignment],
  );
  const wheelchair = orders.filter((o) => o.needs_wheelchair_access);
  const wheelchairWaits = wheelchair.flatMap((o) =>
    o.seconds_to_assignment === null ? [] : [o.seconds_to_assignment],
  );
  const pickupKm = orders.flatMap((o) => o.accepted_distances_m.map((m) => m / 1000));
  const trips = drivers.map((d) => d.trips);
  return {
    region_id: regionId,
    day,
    orders: orders.length,
    assigned_orders: waits.length,
    time_to_assignment_s_p50: rounded(percentile(waits, 0.5), 1),
    time_to_assignment_s_p90: rounded(percentile(waits, 0.9), 1),
    pickup_km_mean: rounded(mean(pickupKm), 3),
    wheelchair_requests: wheelchair.length,
    wheelchair_assigned_within_15_min_share: rounded(
      shareAtMost(wheelchairWaits, wheelchairAssignedWithinSeconds, wheelchair.length),
      4,
    ),
    offers_declined: sum(orders.map((o) => o.offers_declined)),
    offers_expired: sum(orders.map((o) => o.offers_expired)),
    active_drivers: drivers.length,
    driver_trips_gini: rounded(gini(trips), 4),
    driver_trips_min: trips.length === 0 ? null : Math.min(...trips),
    driver_trips_max: trips.length === 0 ? null : Math.max(...trips),
  };
}
