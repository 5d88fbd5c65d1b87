import { expect } from 'chai';
import {
  assignBatch,
  costCandidates,
  type BatchSettings,
} from '../../lib/dispatch/assign-batch.js';
import { distanceOnlyWeights, pairCost } from '../../lib/dispatch/pair-cost.js';
import type { CandidateFacts } from '../../lib/dispatch/rank-candidates.js';

const weights = {
  otherRegionM: 1000,
  fairnessPerTripM: 300,
  accessibleReserveM: 1500,
  urgencyPerMinuteM: 200,
  urgencyMaxM: 3000,
};
const settings: BatchSettings = {
  regionMode: 'priority',
  fairnessMaxExtraKm: 2,
  accessibleReserveKm: 3,
  maxPickupKm: 15,
  candidatesPerOrder: 8,
  weights,
};
const order = (order_id: string, extra: Partial<Parameters<typeof pairCost>[0]> = {}) => ({
  order_id,
  pickup_lat: 47.1,
  pickup_lon: 51.9,
  region_id: 'center',
  seats_needed: 1,
  needs_wheelchair_access: false,
  waited_seconds: 0,
  ...extra,
});
const driver = (driver_id: number, distance_m: number, extra: Partial<CandidateFacts> = {}) => ({
  driver_id,
  name: `d${driver_id}`,
  region_id: 'center',
  car_model: 'car',
  capacity: 4,
  wheelchair_accessible: false,
  distance_m,
  trips_today: 0,
  ...extra,
});

describe('pair cost and batch assignment', () => {
  it('when every term applies, then the total is their sum in metres', () => {
    const cost = pairCost(
      order('o', { waited_seconds: 300 }),
      driver(1, 800, { region_id: 'north', trips_today: 4, wheelchair_accessible: true }),
      1,
      weights,
    );
    expect(cost).to.deep.equal({
      pickup_m: 800,
      other_region_m: 1000,
      fairness_m: 900,
      accessible_reserve_m: 1500,
      urgency_credit_m: 1000,
      total_m: 3200,
    });
  });

  it('when the urgency credit is past its cap, then it stays at the cap', () => {
    const cost = pairCost(order('o', { waited_seconds: 3600 }), driver(1, 100), 0, weights);
    expect(cost.urgency_credit_m).to.equal(3000);
  });

  it('when two orders want the same nearest driver, then the round minimises the total', () => {
    // Greedy by order would give A driver 1 (100 m) and B driver 2 (5,000 m): 5,100 m.
    // The optimum gives A driver 2 (300 m) and B driver 1 (200 m): 500 m.
    const pairs = assignBatch(
      [
        { ...order('A'), candidates: [driver(1, 100), driver(2, 300)] },
        { ...order('B'), candidates: [driver(1, 200), driver(2, 5000)] },
      ],
      { ...settings, weights: distanceOnlyWeights },
    );
    expect(pairs.map((p) => [p.order_id, p.driver_id])).to.deep.equal([
      ['A', 2],
      ['B', 1],
    ]);
  });

  it('when a wheelchair order needs the one accessible vehicle, then it gets it', () => {
    const pairs = assignBatch(
      [
        {
          ...order('A'),
          candidates: [driver(1, 100, { wheelchair_accessible: true }), driver(2, 900)],
        },
        {
          ...order('B', { needs_wheelchair_access: true }),
          candidates: [driver(1, 2000, { wheelchair_accessible: true }), driver(2, 50)],
        },
      ],
      settings,
    );
    expect(pairs.map((p) => [p.order_id, p.driver_id])).to.deep.equal([
      ['A', 2],
      ['B', 1],
    ]);
  });

  it('when drivers are scarce, then the order that waited longer is served', () => {
    const pairs = assignBatch(
      [
        { ...order('fresh'), candidates: [driver(1, 500)] },
        { ...order('old', { waited_seconds: 600 }), candidates: [driver(1, 900)] },
      ],
      settings,
    );
    expect(pairs.map((p) => p.order_id)).to.deep.equal(['old']);
  });

  it('when nobody is eligible, then the order gets no pair and others are unaffected', () => {
    const pairs = assignBatch(
      [
        { ...order('A', { seats_needed: 6 }), candidates: [driver(1, 100)] },
        { ...order('B'), candidates: [driver(1, 100), driver(2, 20_000)] },
      ],
      settings,
    );
    expect(pairs.map((p) => [p.order_id, p.driver_id])).to.deep.equal([['B', 1]]);
  });

  it('when candidates are costed, then they come cheapest first with exclusions named', () => {
    const { costed, excluded } = costCandidates(
      order('A'),
      [driver(3, 400, { trips_today: 5 }), driver(1, 900), driver(2, 30_000)],
      settings,
    );
    expect(costed.map((c) => [c.driver_id, c.cost.total_m])).to.deep.equal([
      [1, 900],
      [3, 1900],
    ]);
    expect(excluded).to.deep.equal([{ driver_id: 2, reason: 'too_far' }]);
  });

  it('when the inputs are shuffled, then the pairs are the same', () => {
    const orders = [
      { ...order('A'), candidates: [driver(1, 100), driver(2, 100)] },
      { ...order('B'), candidates: [driver(2, 100), driver(1, 100)] },
    ];
    const forward = assignBatch(orders, settings);
    const backward = assignBatch([...orders].reverse(), settings);
    expect(backward).to.deep.equal(forward);
  });
});
