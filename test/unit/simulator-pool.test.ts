/**
 * The simulator chooses its candidate pool with the engine's pure code: with more than K
 * eligible drivers within reach, where the bounded pool (the nearest K eligible) and the
 * whole reach give different answers, every offer of the simulator's `ranked` and `batch`
 * policies is the one the engine's pure path (lib/dispatch/candidate-pool.ts over the index's
 * complete nearest-first answer) makes in the same state.
 *
 * One request an hour, so each settles before the next; the test replays the state (free
 * drivers, positions at their last drop-off, trips today, the order's exclusions) from the
 * scripted answers and asks the engine's functions, and the unbounded search for comparison.
 */
import { expect } from 'chai';
import { createPrng } from '../../db/seeds/atyrau-demo.js';
import { loadConfig } from '../../lib/config/config.js';
import { assignBatch } from '../../lib/dispatch/assign-batch.js';
import { batchSettings } from '../../lib/dispatch/batch-round.js';
import {
  candidatePoolSize,
  nearestEligible,
  rankPool,
  rankedCandidatePool,
  type FreeDriver,
} from '../../lib/dispatch/candidate-pool.js';
import { candidatesToTry } from '../../lib/dispatch/dispatch-policy.js';
import { rankingSettings } from '../../lib/dispatch/find-candidates.js';
import type { OrderNeeds } from '../../lib/dispatch/rank-candidates.js';
import type { NearbyDriver } from '../../lib/geo/driver-position-index.js';
import { haversineMeters } from '../../lib/geo/haversine.js';
import type { SimDriver, SimRequest } from '../../lib/simulation/sim-model.js';
import { simulate } from '../../lib/simulation/simulator.js';
import type { LatLon } from '../../lib/simulation/trips.js';

// The defaults, whatever DISPATCH_* the environment sets: the scenario is built for them.
const config = loadConfig({});
const { dispatch } = config;
const ranking = rankingSettings(config);
const pool = candidatePoolSize(dispatch.batchCandidates);
const hourMs = 3_600_000;

/** Decline, ignore or accept, by a fixed rule over the request and the driver. */
const script = (requestId: number, driverId: number) => {
  const h = (requestId * 7 + driverId * 3) % 10;
  return h < 2 ? 'decline' : h < 3 ? 'ignore' : 'accept';
};

/**
 * A town centre dense with drivers of region `b` (well over K within a kilometre), region
 * `a`'s drivers 3–10 km out, accessible vehicles among both; some drivers share a position,
 * so the index's ties (by driver id) matter. Pickups near the centre, mostly region `a`.
 */
function scenario(seed: number) {
  const random = createPrng(seed);
  const centre = { lat: 47.1, lon: 51.9 };
  const around = (minM: number, maxM: number): LatLon => {
    const r = minM + (maxM - minM) * random();
    const angle = 2 * Math.PI * random();
    return {
      lat: centre.lat + (r * Math.cos(angle)) / 111_320,
      lon: centre.lon + (r * Math.sin(angle)) / (111_320 * Math.cos((centre.lat * Math.PI) / 180)),
    };
  };
  const drivers: SimDriver[] = [];
  for (let i = 1; i <= 110; i++) {
    const far = i % 5 === 0;
    const previous = drivers[drivers.length - 1];
    drivers.push({
      id: i,
      start:
        i % 9 === 0 && previous ? previous.start : far ? around(3000, 10_000) : around(0, 1000),
      wheelchairAccessible: i % 6 === 0,
      capacity: i % 11 === 0 ? 6 : 4,
      regionId: far ? 'a' : 'b',
    });
  }
  const requests: SimRequest[] = Array.from({ length: 120 }, (_, i) => {
    const id = i + 1;
    const needsWheelchair = id % 7 === 3;
    return {
      trip: {
        id,
        requestedAtMs: id * hourMs,
        pickup: around(0, 800),
        dropoff: around(0, 1500),
        tripSeconds: 60,
        needsWheelchair,
        seats: id % 13 === 5 ? 5 : 1,
        vehicleKey: null,
      },
      needsWheelchair,
      seats: id % 13 === 5 ? 5 : 1,
      regionId: id % 4 === 0 ? 'b' : 'a',
      bookedAtMs: id * hourMs,
      desiredPickupMs: null,
    };
  });
  return { drivers, requests };
}

type Pick = (
  needs: OrderNeeds,
  nearby: NearbyDriver[],
  free: Map<number, FreeDriver>,
  excluded: Set<number>,
  limit: number,
) => number | undefined;

/** The engine's match job: `rankPool` over the pool, the first of `candidatesToTry`. */
const rankedPick: Pick = (needs, nearby, free, excluded, limit) =>
  candidatesToTry(rankPool(needs, nearby, free, excluded, ranking, limit).ranking.candidates)[0]
    ?.driver_id;

/**
 * The engine's round with one order: `nearestEligible` (roundCandidates) into `assignBatch`.
 * A one-order round's choice does not depend on how long it waited (the urgency credit is
 * the same for every candidate), so waited_seconds is 0.
 */
const batchPick: Pick = (needs, nearby, free, excluded, limit) =>
  assignBatch(
    [
      {
        ...needs,
        order_id: 'o',
        waited_seconds: 0,
        candidates: nearestEligible(needs, nearby, free, excluded, ranking, limit),
      },
    ],
    batchSettings(config),
  )[0]?.driver_id;

/**
 * Replays the scripted scenario through `pick` with the pool bounded to `limit` (Infinity:
 * the unbounded search) and returns each order's offers; `differs` counts the decisions where
 * the unbounded search would have offered someone else.
 */
function engineOffers(
  drivers: readonly SimDriver[],
  requests: readonly SimRequest[],
  pick: Pick,
  limit: number,
) {
  const at = new Map(drivers.map((d) => [d.id, d.start]));
  const free = new Map<number, FreeDriver>(
    drivers.map((d) => [
      d.id,
      {
        driver_id: d.id,
        name: `driver ${d.id}`,
        region_id: d.regionId,
        car_model: '',
        capacity: d.capacity,
        wheelchair_accessible: d.wheelchairAccessible,
        trips_today: 0,
      },
    ]),
  );
  let differs = 0;
  const offers = requests.map((r) => {
    const needs: OrderNeeds = {
      pickup_lat: r.trip.pickup.lat,
      pickup_lon: r.trip.pickup.lon,
      region_id: r.regionId,
      seats_needed: r.seats,
      needs_wheelchair_access: r.needsWheelchair,
    };
    const nearby: NearbyDriver[] = drivers
      .map((d) => {
        const p = at.get(d.id)!;
        const distanceMeters = haversineMeters(p.lat, p.lon, needs.pickup_lat, needs.pickup_lon);
        return { driverId: d.id, ...p, recordedAt: new Date(0), distanceMeters };
      })
      .filter((n) => n.distanceMeters <= ranking.maxPickupKm * 1000)
      .sort((a, b) => a.distanceMeters - b.distanceMeters || a.driverId - b.driverId);
    const excluded = new Set<number>();
    const offered: number[] = [];
    for (;;) {
      const driverId = pick(needs, nearby, free, excluded, limit);
      if (driverId !== pick(needs, nearby, free, excluded, Infinity)) differs++;
      if (driverId === undefined) break;
      offered.push(driverId);
      if (script(r.trip.id, driverId) === 'accept') {
        free.get(driverId)!.trips_today++;
        at.set(driverId, r.trip.dropoff);
        break;
      }
      excluded.add(driverId);
    }
    return offered;
  });
  return { offers, differs };
}

describe('the simulator ranks with the engine’s candidate pool', () => {
  for (const policy of ['ranked', 'batch'] as const) {
    it(`when more than K drivers are eligible within reach, then every ${policy} offer is the engine's pure path's, not the unbounded search's`, () => {
      const seed = Date.now() % 100_000;
      const { drivers, requests } = scenario(seed);
      const simulated = simulate(requests, drivers, {
        dispatch,
        policy,
        speedKmh: 30,
        detour: 1.3,
        behaviour: { acceptProbability: 0, declineProbability: 0, responseSeconds: 0.2, script },
        seed,
      });
      const limit = policy === 'ranked' ? pool : dispatch.batchCandidates;
      const pick = policy === 'ranked' ? rankedPick : batchPick;
      const engine = engineOffers(drivers, requests, pick, limit);

      expect(
        simulated.orders.map((o) => o.offeredDriverIds),
        `seed ${seed}`,
      ).to.deep.equal(engine.offers);
      // The bound mattered: the unbounded search would have offered someone else.
      expect(engine.differs, `seed ${seed}`).to.be.greaterThan(0);
      expect(
        engineOffers(drivers, requests, pick, Infinity).offers,
        `seed ${seed}`,
      ).not.to.deep.equal(engine.offers);
      // More than K eligible within reach for an ordinary request, as the bound needs.
      expect(drivers.length).to.be.greaterThan(2 * rankedCandidatePool);
    });
  }
});
