/**
 * One policy's figures from a replay, every one computed with lib/quality/dispatch-metrics.ts
 * (the operator's quality report uses the same functions). Schema: docs/dispatch-quality.md.
 */
import { gini, lorenzCurve, mean, percentile, shareAtMost } from '../quality/dispatch-metrics.js';
import type { PolicyName } from './policies.js';
import type { SimulationResult } from './sim-model.js';

export interface PolicyReport {
  policy: PolicyName;
  orders: number;
  served: number;
  gave_up: number;
  served_within_15_min_share: number | null;
  time_to_assign_s_p50: number | null;
  time_to_assign_s_p90: number | null;
  pickup_km_mean: number | null;
  pickup_km_p90: number | null;
  wait_min_p50: number | null;
  wait_min_p90: number | null;
  wav_requests: number;
  wav_within_10_min_share: number | null;
  wav_within_15_min_share: number | null;
  driver_trips_gini: number | null;
  driver_trips_min: number | null;
  driver_trips_max: number | null;
  cross_region_share: number | null;
  wav_on_ambulatory_share: number | null;
  deadhead_km: number;
  offers_per_order: number | null;
  events: number;
  charts: {
    /** Share of served requests per one-minute wait bucket [0,1), [1,2) … the last is 30+. */
    wait_histogram_min: number[];
    /** [share of drivers, share of trips], 20 steps. */
    lorenz: [number, number][];
    /** Share of wheelchair requests picked up within m minutes, m = 0 … 30. */
    wav_service_curve: number[];
  };
}

/** Rounded so the JSON reads well and stays byte-identical across runs. */
const r = (value: number | null, digits = 4) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

const histogram = (minutes: number[], buckets = 31) => {
  const counts = new Array<number>(buckets).fill(0);
  for (const m of minutes) counts[Math.min(buckets - 1, Math.floor(m))]! += 1;
  return counts.map((c) => r(minutes.length === 0 ? 0 : c / minutes.length) ?? 0);
};

export function policyReport(policy: PolicyName, result: SimulationResult): PolicyReport {
  const orders = result.orders;
  const served = orders.filter((o) => o.status === 'served');
  const waitsMin = served.map((o) => (o.waitS ?? 0) / 60);
  const assignS = served.map((o) => o.timeToAssignS ?? 0);
  const pickupKm = served.map((o) => (o.pickupM ?? 0) / 1000);
  const wav = orders.filter((o) => o.needsWheelchair);
  const wavWaitsMin = wav.filter((o) => o.status === 'served').map((o) => (o.waitS ?? 0) / 60);
  const ambulatory = served.filter((o) => !o.needsWheelchair);
  const trips = result.driverTrips;
  const offers = orders.reduce((sum, o) => sum + o.offers, 0);
  return {
    policy,
    orders: orders.length,
    served: served.length,
    gave_up: orders.length - served.length,
    served_within_15_min_share: r(shareAtMost(waitsMin, 15, orders.length)),
    time_to_assign_s_p50: r(percentile(assignS, 0.5), 1),
    time_to_assign_s_p90: r(percentile(assignS, 0.9), 1),
    pickup_km_mean: r(mean(pickupKm), 3),
    pickup_km_p90: r(percentile(pickupKm, 0.9), 3),
    wait_min_p50: r(percentile(waitsMin, 0.5), 2),
    wait_min_p90: r(percentile(waitsMin, 0.9), 2),
    wav_requests: wav.length,
    wav_within_10_min_share: r(shareAtMost(wavWaitsMin, 10, wav.length)),
    wav_within_15_min_share: r(shareAtMost(wavWaitsMin, 15, wav.length)),
    driver_trips_gini: r(gini(trips)),
    driver_trips_min: trips.length === 0 ? null : Math.min(...trips),
    driver_trips_max: trips.length === 0 ? null : Math.max(...trips),
    cross_region_share: r(
      served.length === 0 ? null : served.filter((o) => o.crossRegion).length / served.length,
    ),
    wav_on_ambulatory_share: r(
      ambulatory.length === 0
        ? null
        : ambulatory.filter((o) => o.accessibleVehicle).length / ambulatory.length,
    ),
    deadhead_km: r(served.reduce((sum, o) => sum + (o.driveM ?? 0), 0) / 1000, 1) ?? 0,
    offers_per_order: r(orders.length === 0 ? null : offers / orders.length, 3),
    events: result.events,
    charts: {
      wait_histogram_min: histogram(waitsMin),
      lorenz: lorenzCurve(trips).map(([x, y]) => [r(x) ?? 0, r(y) ?? 0]),
      wav_service_curve: Array.from(
        { length: 31 },
        (_, m) => r(shareAtMost(wavWaitsMin, m, wav.length)) ?? 0,
      ),
    },
  };
}
