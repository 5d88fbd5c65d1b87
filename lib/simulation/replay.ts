/**
 * A whole replay: trips + fleet + regions + settings → one report with every policy side by
 * side (and, for a sweep, one row per setting combination). Pure over its inputs apart from
 * reading the files it is given; no clock, so the same inputs and seed give the same report.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../config/config.js';
import { demandNeeds, fleetFromFile, fleetFromTrips } from './fleet.js';
import { policyReport, type PolicyReport } from './report.js';
import { regionLocator, resolveRegions } from './regions.js';
import type { DriverBehaviour, SimDriver, SimRequest } from './sim-model.js';
import { simulate } from './simulator.js';
import type { PolicyName } from './policies.js';
import { loadTripRequests, type TripFormat } from './trips.js';

export interface ReplayOptions {
  trips: string;
  format: TripFormat;
  fleet: number;
  fleetFile?: string;
  wavShare: number;
  wavFleet: number;
  regions?: string;
  behaviour: DriverBehaviour;
  speedKmh: number;
  detour: number;
  /** Share of requests booked ahead, and how far ahead (minutes). */
  prebookedShare: number;
  prebookMinutes: number;
  from?: string;
  to?: string;
  seed: number;
  policies: PolicyName[];
  /** DISPATCH_* overrides on top of the environment. */
  env: Record<string, string>;
}

export interface ReplayInputs {
  requests: SimRequest[];
  drivers: SimDriver[];
  regionsName: string;
  tripsSha256: string;
}

export const replayDefaults = {
  format: 'debs' as TripFormat,
  fleet: 3500,
  wavShare: 0.05,
  wavFleet: 0.1,
  behaviour: { acceptProbability: 0.85, declineProbability: 0.1, responseSeconds: 8 },
  speedKmh: 20,
  detour: 1.3,
  prebookedShare: 0,
  prebookMinutes: 60,
  seed: 1,
  policies: ['ranked', 'nearest', 'original', 'batch', 'batch-optimum'] as PolicyName[],
};

export function prepareInputs(options: ReplayOptions): ReplayInputs {
  const parse = (t: string | undefined) =>
    t === undefined ? undefined : Date.parse(t.endsWith('Z') ? t : `${t}Z`);
  const trips = loadTripRequests(options.trips, options.format, {
    fromMs: parse(options.from),
    toMs: parse(options.to),
  });
  const { name, regions } = resolveRegions(options.regions, trips[0]?.pickup);
  const regionOf = regionLocator(regions);
  const needs = demandNeeds(trips, options.wavShare, options.seed);
  const ahead = options.prebookMinutes * 60_000;
  let prebookDraw = options.seed ^ 0x9e3779b9;
  const requests = trips.map((trip, i) => {
    // A cheap deterministic hash per request: pre-booked or not, independent of other draws.
    prebookDraw = (Math.imul(prebookDraw ^ (prebookDraw >>> 15), 0x2c1b3c6d) + i) >>> 0;
    const prebooked = prebookDraw / 4_294_967_296 < options.prebookedShare;
    return {
      trip,
      needsWheelchair: needs[i]!.needsWheelchair,
      seats: needs[i]!.seats,
      regionId: regionOf(trip.pickup),
      bookedAtMs: prebooked ? trip.requestedAtMs - ahead : trip.requestedAtMs,
      desiredPickupMs: prebooked ? trip.requestedAtMs : null,
    };
  });
  const specs = options.fleetFile
    ? fleetFromFile(options.fleetFile, options.wavFleet, options.seed)
    : fleetFromTrips(trips, options.fleet, options.wavFleet, options.seed);
  const drivers = specs.map((d) => ({ ...d, regionId: regionOf(d.start) }));
  const tripsSha256 = createHash('sha256').update(readFileSync(options.trips)).digest('hex');
  return { requests, drivers, regionsName: name, tripsSha256 };
}

export function dispatchConfig(overrides: Record<string, string>): Config['dispatch'] {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k.startsWith('DISPATCH_')),
  );
  return loadConfig({ ...env, ...overrides }).dispatch;
}

export type ProgressFn = (policy: string, done: number, total: number) => void;

export function runPolicies(
  inputs: ReplayInputs,
  options: ReplayOptions,
  dispatch: Config['dispatch'],
  progress?: ProgressFn,
): PolicyReport[] {
  return options.policies.map((policy) => {
    const result = simulate(
      inputs.requests,
      inputs.drivers,
      {
        dispatch,
        policy,
        speedKmh: options.speedKmh,
        detour: options.detour,
        behaviour: options.behaviour,
        seed: options.seed,
      },
      progress ? (done, total) => progress(policy, done, total) : undefined,
    );
    return policyReport(policy, result);
  });
}

/** What the report says about its inputs: everything needed to rerun it, nothing variable. */
export function describeInputs(
  inputs: ReplayInputs,
  options: ReplayOptions,
  dispatch: Config['dispatch'],
) {
  return {
    trips_file: path.basename(options.trips),
    trips_sha256: inputs.tripsSha256,
    format: options.format,
    from: options.from ?? null,
    to: options.to ?? null,
    orders: inputs.requests.length,
    fleet: inputs.drivers.length,
    fleet_file: options.fleetFile ? path.basename(options.fleetFile) : null,
    accessible_vehicles: inputs.drivers.filter((d) => d.wheelchairAccessible).length,
    wheelchair_requests: inputs.requests.filter((r) => r.needsWheelchair).length,
    wav_share: options.wavShare,
    wav_fleet: options.wavFleet,
    regions: inputs.regionsName,
    accept_probability: options.behaviour.acceptProbability,
    decline_probability: options.behaviour.declineProbability,
    response_seconds: options.behaviour.responseSeconds,
    speed_kmh: options.speedKmh,
    detour: options.detour,
    prebooked_share: options.prebookedShare,
    prebook_minutes: options.prebookMinutes,
    seed: options.seed,
    dispatch,
  };
}
