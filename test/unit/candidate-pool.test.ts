import { expect } from 'chai';
import fc from 'fast-check';
import {
  candidatePoolSize,
  rankPool,
  rankedCandidatePool,
  type FreeDriver,
} from '../../lib/dispatch/candidate-pool.js';
import { maxReservationTries } from '../../lib/dispatch/dispatch-policy.js';
import type { OrderNeeds, RankingSettings } from '../../lib/dispatch/rank-candidates.js';
import type { NearbyDriver } from '../../lib/geo/driver-position-index.js';

interface FleetDriver extends FreeDriver {
  distance_m: number;
  busy: boolean;
  declined: boolean;
}

const driverArb = fc.record({
  distance_m: fc.integer({ min: 0, max: 16_000 }),
  region_id: fc.constantFrom('a', 'a', 'a', 'a', 'b'),
  wheelchair_accessible: fc.boolean(),
  capacity: fc.integer({ min: 1, max: 6 }),
  trips_today: fc.integer({ min: 0, max: 4 }),
  busy: fc.boolean(),
  declined: fc.nat(9).map((n) => n === 0),
});

const stateArb = fc.record({
  fleet: fc.array(driverArb, { maxLength: 150, size: 'max' }),
  needs: fc.record({
    region_id: fc.constant('a'),
    seats_needed: fc.integer({ min: 1, max: 3 }),
    needs_wheelchair_access: fc.nat(3).map((n) => n === 0),
  }),
  settings: fc.record({
    regionMode: fc.constantFrom('priority' as const, 'hard' as const),
    fairnessMaxExtraKm: fc.constantFrom(0, 0.5, 1, 2),
    accessibleReserveKm: fc.constantFrom(0, 1, 3),
    maxPickupKm: fc.constant(15),
  }),
  pool: fc.integer({ min: 3, max: 24 }),
});

/** What the index and the database would answer for this fleet: nearest first, ties by id. */
function lookUp(fleet: readonly Omit<FleetDriver, 'driver_id' | 'name' | 'car_model'>[]) {
  const drivers: FleetDriver[] = fleet.map((d, i) => ({
    ...d,
    driver_id: i + 1,
    name: `Driver ${i + 1}`,
    car_model: 'Van',
  }));
  const nearby: NearbyDriver[] = drivers
    .filter((d) => d.distance_m <= 15_000)
    .map((d) => ({
      driverId: d.driver_id,
      lat: 0,
      lon: 0,
      recordedAt: new Date(0),
      distanceMeters: d.distance_m,
    }))
    .sort((a, b) => a.distanceMeters - b.distanceMeters || a.driverId - b.driverId);
  const free = new Map<number, FreeDriver>(
    drivers
      .filter((d) => !d.busy)
      .map(({ distance_m: _d, busy: _b, declined: _x, ...facts }) => [facts.driver_id, facts]),
  );
  const declined = new Set(drivers.filter((d) => d.declined).map((d) => d.driver_id));
  return { nearby, free, declined };
}

describe('the bounded candidate pool (nearest K eligible) against the unbounded search', () => {
  it('K covers the drivers a search tries and the batch round weighs', () => {
    expect(rankedCandidatePool).to.be.at.least(3 * maxReservationTries);
    expect(candidatePoolSize(8)).to.equal(rankedCandidatePool);
    expect(candidatePoolSize(100)).to.equal(100);
  });

  it('ranks the same best candidates whenever they are within the K nearest eligible, and everything the same when at most K are eligible', () => {
    let boundedAndDecisive = 0;
    let allWithinPool = 0;
    fc.assert(
      fc.property(stateArb, ({ fleet, needs, settings, pool }) => {
        const order: OrderNeeds = { pickup_lat: 0, pickup_lon: 0, ...needs };
        const s: RankingSettings = settings;
        const { nearby, free, declined } = lookUp(fleet);
        const unbounded = rankPool(order, nearby, free, declined, s, Infinity).ranking;
        const bounded = rankPool(order, nearby, free, declined, s, pool).ranking;
        if (unbounded.candidates.length <= pool) {
          allWithinPool++;
          expect(bounded).to.deep.equal(unbounded);
          return;
        }
        expect(bounded.candidates).to.have.length(pool);
        // The pool: the K nearest eligible drivers (nearest first, ties by id).
        const inPool = new Set(
          [...unbounded.candidates]
            .sort((a, b) => a.distance_m - b.distance_m || a.driver_id - b.driver_id)
            .slice(0, pool)
            .map((c) => c.driver_id),
        );
        const n = Math.min(maxReservationTries, pool);
        const best = unbounded.candidates.slice(0, n);
        if (best.every((c) => inPool.has(c.driver_id))) {
          boundedAndDecisive++;
          expect(bounded.candidates.slice(0, n)).to.deep.equal(best);
        }
      }),
      // Random fleets from a random seed; a failure prints the seed and path to replay it.
      { numRuns: 1000 },
    );
    // Both branches really ran, so neither comparison is vacuous.
    expect(allWithinPool).to.be.above(50);
    expect(boundedAndDecisive).to.be.above(50);
  });
});
