import { expect } from 'chai';
import {
  rankCandidates,
  type CandidateFacts,
  type IneligibilityReason,
  type OrderNeeds,
  type RankingSettings,
} from '../../lib/dispatch/rank-candidates.js';

const settings: RankingSettings = {
  regionMode: 'priority',
  fairnessMaxExtraKm: 2,
  accessibleReserveKm: 3,
  maxPickupKm: 15,
};

const ambulatory: OrderNeeds = {
  pickup_lat: 47.1,
  pickup_lon: 51.9,
  region_id: 'atyrau',
  seats_needed: 1,
  needs_wheelchair_access: false,
};

/** A candidate in the pickup's region, 4 seats, not accessible, no trips, `km` away. */
function driver(id: number, km: number, overrides: Partial<CandidateFacts> = {}): CandidateFacts {
  return {
    driver_id: id,
    name: `Driver ${id}`,
    region_id: 'atyrau',
    car_model: 'Hyundai Staria',
    capacity: 4,
    wheelchair_accessible: false,
    distance_m: km * 1000,
    trips_today: 0,
    ...overrides,
  };
}

interface Case {
  when: string;
  needs?: Partial<OrderNeeds>;
  settings?: Partial<RankingSettings>;
  candidates: CandidateFacts[];
  /** Driver ids, best first. */
  order: number[];
  excluded?: [number, IneligibilityReason][];
}

const cases: Case[] = [
  {
    when: 'only distance differs, the nearer driver',
    candidates: [driver(1, 3), driver(2, 1)],
    order: [2, 1],
  },
  {
    when: 'distances are equal, the lower driver id',
    candidates: [driver(7, 2), driver(3, 2)],
    order: [3, 7],
  },
  // Region priority
  {
    when: 'a same-region driver is within reach, it beats a nearer driver of another region',
    candidates: [driver(1, 0.5, { region_id: 'other' }), driver(2, 9)],
    order: [2, 1],
  },
  {
    when: 'the only same-region driver is beyond the maximum pickup distance, another region serves',
    candidates: [driver(1, 5, { region_id: 'other' }), driver(2, 16)],
    order: [1],
    excluded: [[2, 'too_far']],
  },
  {
    when: 'region mode is hard, drivers of other regions are excluded',
    settings: { regionMode: 'hard' },
    candidates: [driver(1, 0.5, { region_id: 'other' }), driver(2, 9)],
    order: [2],
    excluded: [[1, 'other_region']],
  },
  // Fairness
  {
    when: 'a driver with fewer trips is within the fairness margin, it goes first',
    candidates: [driver(1, 1, { trips_today: 5 }), driver(2, 2.5, { trips_today: 1 })],
    order: [2, 1],
  },
  {
    when: 'the driver with fewer trips would cost more than the fairness margin, the nearer goes first',
    candidates: [driver(1, 1, { trips_today: 5 }), driver(2, 3.5, { trips_today: 1 })],
    order: [1, 2],
  },
  {
    when: 'the fairness margin is zero, trips today never beat distance',
    settings: { fairnessMaxExtraKm: 0 },
    candidates: [driver(1, 1, { trips_today: 5 }), driver(2, 1.2, { trips_today: 0 })],
    order: [1, 2],
  },
  {
    when: 'trips today are equal within the margin, distance decides',
    candidates: [driver(1, 2, { trips_today: 2 }), driver(2, 1, { trips_today: 2 })],
    order: [2, 1],
  },
  {
    when: 'fairness would favour another region, region priority still comes first',
    candidates: [driver(1, 1, { trips_today: 9 }), driver(2, 1.5, { region_id: 'x' })],
    order: [1, 2],
  },
  // Accessible reserve
  {
    when: 'an ambulatory trip has a regular car within the reserve margin, the accessible van waits',
    candidates: [driver(1, 1, { wheelchair_accessible: true }), driver(2, 3.9)],
    order: [2, 1],
  },
  {
    when: 'an ambulatory trip has no regular car within the reserve margin, the accessible van goes',
    candidates: [driver(1, 1, { wheelchair_accessible: true }), driver(2, 4.5)],
    order: [1, 2],
  },
  {
    when: 'an ambulatory trip has only accessible vans, they are ranked by distance',
    candidates: [
      driver(1, 2, { wheelchair_accessible: true }),
      driver(2, 1, { wheelchair_accessible: true }),
    ],
    order: [2, 1],
  },
  {
    when: 'the only regular car is of another region, the same-region accessible van goes first',
    candidates: [driver(1, 1, { wheelchair_accessible: true }), driver(2, 1.1, { region_id: 'x' })],
    order: [1, 2],
  },
  {
    when: 'a wheelchair trip, the accessible van goes first and regular cars are excluded',
    needs: { needs_wheelchair_access: true },
    candidates: [driver(1, 0.5), driver(2, 6, { wheelchair_accessible: true })],
    order: [2],
    excluded: [[1, 'not_accessible']],
  },
  // Capacity and reach
  {
    when: 'the order needs two seats, a one-seat car is excluded',
    needs: { seats_needed: 2 },
    candidates: [driver(1, 0.5, { capacity: 1 }), driver(2, 6, { capacity: 2 })],
    order: [2],
    excluded: [[1, 'too_small']],
  },
  {
    when: 'a driver is just beyond the maximum pickup distance, it is excluded',
    settings: { maxPickupKm: 5 },
    candidates: [driver(1, 5.001), driver(2, 5)],
    order: [2],
    excluded: [[1, 'too_far']],
  },
];

describe('rankCandidates', () => {
  for (const c of cases) {
    it(`when ${c.when}, then the order is ${c.order.join(', ')}`, () => {
      const ranking = rankCandidates({ ...ambulatory, ...c.needs }, c.candidates, {
        ...settings,
        ...c.settings,
      });
      expect(ranking.candidates.map((r) => r.driver_id)).to.deep.equal(c.order);
      expect(ranking.candidates.map((r) => r.rank)).to.deep.equal(c.order.map((_, i) => i + 1));
      expect(ranking.excluded.map((e) => [e.driver_id, e.reason])).to.deep.equal(c.excluded ?? []);
    });
  }

  it('when candidates arrive in any order, then the ranking is the same', () => {
    const pool = [
      driver(1, 1, { trips_today: 3 }),
      driver(2, 2, { trips_today: 0 }),
      driver(3, 1, { wheelchair_accessible: true }),
      driver(4, 0.7, { region_id: 'x' }),
      driver(5, 2, { trips_today: 0 }),
      driver(6, 9, { trips_today: 0 }),
    ];
    const expected = rankCandidates(ambulatory, pool, settings).candidates;
    expect(expected.map((r) => r.driver_id)).to.deep.equal([2, 5, 1, 6, 3, 4]);
    for (const permutation of [[...pool].reverse(), [pool[3]!, pool[0]!, pool[5]!, ...pool]]) {
      const unique = [...new Map(permutation.map((p) => [p.driver_id, p])).values()];
      expect(rankCandidates(ambulatory, unique, settings).candidates).to.deep.equal(expected);
    }
  });

  it('when ranked, then scores rise with rank and each factor is shown', () => {
    const ranked = rankCandidates(
      ambulatory,
      [
        driver(1, 1, { trips_today: 3 }),
        driver(2, 2, { trips_today: 1 }),
        driver(3, 1, { wheelchair_accessible: true }),
        driver(4, 0.7, { region_id: 'x' }),
      ],
      settings,
    ).candidates;
    const scores = ranked.map((r) => r.score);
    expect(scores).to.deep.equal([...scores].sort((a, b) => a - b));
    expect(ranked[0]).to.include({
      driver_id: 2,
      region_match: true,
      trips_today: 1,
      within_fairness_margin: true,
      held_for_accessibility: false,
      distance_m: 2000,
    });
    expect(ranked.find((r) => r.driver_id === 3)).to.include({ held_for_accessibility: true });
    expect(ranked.find((r) => r.driver_id === 4)).to.include({ region_match: false, rank: 4 });
  });
});
