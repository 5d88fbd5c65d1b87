import { expect } from 'chai';
import { firstAskFactor, rankedCandidatePool } from '../../lib/dispatch/candidate-pool.js';
import { findRankedCandidates } from '../../lib/dispatch/find-candidates.js';
import type { AppDeps } from '../../lib/deps.js';
import { findOrderById, type OrderRow } from '../../db/repositories/order.repository.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { deactivateDriver } from '../../lib/drivers/manage-drivers.js';
import { createDriver, createPassenger, createRegion, fixtureAdmin } from '../helpers/factories.js';
import {
  assignAndAdvance,
  createOrderIn,
  makeDriverBusy,
  offerAndClose,
} from '../helpers/dispatch-fixtures.js';

// 10:00 UTC is 15:00 in Atyrau (UTC+5): the local day began at 19:00 UTC the day before.
const now = new Date('2026-11-26T10:00:00Z');
const pickup = { lat: 47.1067, lon: 51.9167 };
/** About `km` north of the pickup. */
const north = (km: number) => ({ lat: pickup.lat + km / 111.2, lon: pickup.lon });

describe('findRankedCandidates', () => {
  let deps: AppDeps;
  let regionId: string;
  let passenger: { id: number; user_id: number; region_id: string };
  /** The clock stands at `now`; only trips of the past set it back while they are made. */
  let clockAt = now;

  before(() => {
    deps = createTestDeps({}, { now: () => clockAt });
  });
  after(() => closeDeps(deps));
  beforeEach(async () => {
    await resetState(deps);
    regionId = (await createRegion(deps, { id: 'atyrau' })).id;
    ({ passenger } = await createPassenger(deps, regionId));
  });

  async function addDriver(
    km: number,
    overrides: Parameters<typeof createDriver>[2] & {
      region?: string;
      indexedAt?: Date;
      busy?: 'offered' | 'on_trip';
    } = {},
  ) {
    const at = north(km);
    const { driver } = await createDriver(deps, overrides.region ?? regionId, {
      current_lat: at.lat,
      current_lon: at.lon,
      last_location_update: now,
      ...overrides,
    });
    if (overrides.busy) await makeDriverBusy(deps, driver, overrides.busy, passenger);
    // The index then says "near, fresh" (or stale at `indexedAt`) whatever the driver's row
    // says, as an index lagging behind a change would: each case below is left out by the
    // search's own checks, not by the index having dropped the driver already.
    await deps.positionIndex.remove(driver.id);
    await deps.positionIndex.upsert({
      driverId: driver.id,
      ...at,
      recordedAt: overrides.indexedAt ?? now,
    });
    return driver.id;
  }

  /** A matching order the passenger books now. */
  async function addOrder(
    overrides: Partial<{ has_companion: boolean; needs_wheelchair_access: boolean }> = {},
  ): Promise<OrderRow> {
    const id = await createOrderIn(deps, passenger, 'matching', overrides);
    return (await findOrderById(deps.db.knex, id))!;
  }

  /** A trip of this driver assigned at `at` (the clock set back), completed or cancelled. */
  async function addTrip(driverId: number, at: Date, end: 'completed' | 'cancelled') {
    clockAt = at;
    try {
      const id = await createOrderIn(deps, passenger);
      const steps = ['driver_en_route', 'arrived_waiting', 'ride_ongoing', 'completed'] as const;
      await assignAndAdvance(deps, id, driverId, end === 'completed' ? steps : ['cancelled']);
    } finally {
      clockAt = now;
    }
  }

  const ids = (search: { candidates: { driver_id: number }[] }) =>
    search.candidates.map((c) => c.driver_id);

  it('when drivers are offline, busy, inactive or stale, then only the free fresh ones are candidates', async () => {
    const free = await addDriver(1);
    await addDriver(0.5, { is_online: false, status: 'offline' });
    await addDriver(0.6, { busy: 'offered' });
    const inactive = await addDriver(0.7);
    await deactivateDriver(deps, (await fixtureAdmin(deps)).actor, { id: inactive });
    // Deactivating takes them out of the index; a report racing it may put them back, and
    // the search must still leave them out.
    await deps.positionIndex.upsert({ driverId: inactive, ...north(0.7), recordedAt: now });
    await addDriver(0.8, { last_location_update: new Date(now.getTime() - 121_000) });
    await addDriver(0.9, { indexedAt: new Date(now.getTime() - 121_000) });
    await addDriver(15.5);
    const search = await findRankedCandidates(deps, await addOrder());
    expect(ids(search)).to.deep.equal([free]);
    expect(search.rejectionReason).to.equal(null);
    expect(search.candidates[0]).to.include({ region_match: true, trips_today: 0, rank: 1 });
    expect(search.candidates[0]!.distance_m).to.be.closeTo(1000, 5);
  });

  it('when the order needs a wheelchair and two seats, then only accessible vans with two seats remain', async () => {
    await addDriver(0.5);
    await addDriver(0.6, { wheelchair_accessible: true, capacity: 1 });
    const van = await addDriver(2, { wheelchair_accessible: true, capacity: 2 });
    const order = await addOrder({ needs_wheelchair_access: true, has_companion: true });
    const search = await findRankedCandidates(deps, order);
    expect(ids(search)).to.deep.equal([van]);
    expect(search.excluded.map((e) => e.reason).sort()).to.deep.equal([
      'not_accessible',
      'too_small',
    ]);
  });

  it('when a driver declined the order or is excluded by the caller, then it is left out', async () => {
    const declined = await addDriver(0.5);
    const skipped = await addDriver(0.7);
    const next = await addDriver(1);
    const order = await addOrder();
    await offerAndClose(deps, order.id, declined, 'declined');
    const search = await findRankedCandidates(deps, order, { excludeDriverIds: [skipped] });
    expect(ids(search)).to.deep.equal([next]);
  });

  it('when a driver had trips today in local time, then fairness ranks the other first', async () => {
    const busyToday = await addDriver(1);
    const idleToday = await addDriver(2);
    // 19:30 UTC yesterday is 00:30 today in Atyrau; 18:30 UTC is still yesterday there.
    await addTrip(busyToday, new Date('2026-11-25T19:30:00Z'), 'completed');
    await addTrip(idleToday, new Date('2026-11-25T18:30:00Z'), 'completed');
    await addTrip(idleToday, new Date('2026-11-26T08:00:00Z'), 'cancelled');
    const search = await findRankedCandidates(deps, await addOrder());
    expect(search.candidates.map((c) => [c.driver_id, c.trips_today])).to.deep.equal([
      [idleToday, 0],
      [busyToday, 1],
    ]);
  });

  /** The driver ids each candidate-facts query was asked about, while `run` runs. */
  async function driverLookups(run: () => Promise<unknown>): Promise<number[][]> {
    const lookups: number[][] = [];
    const listener = (q: { sql: string; bindings?: unknown[] }) => {
      if (!q.sql.includes('FROM drivers d')) return;
      const ids = q.bindings?.find(
        (b): b is number[] => Array.isArray(b) && b.every((x) => typeof x === 'number'),
      );
      if (ids) lookups.push(ids);
    };
    deps.db.knex.on('query', listener);
    try {
      await run();
    } finally {
      deps.db.knex.off('query', listener);
    }
    return lookups;
  }

  it('when many free drivers are near, then the K nearest eligible are ranked and only a bounded few are loaded', async () => {
    const drivers: number[] = [];
    for (let i = 0; i < 80; i++) drivers.push(await addDriver(0.1 + i * 0.02));
    const order = await addOrder();
    let search: Awaited<ReturnType<typeof findRankedCandidates>> | undefined;
    const lookups = await driverLookups(async () => {
      search = await findRankedCandidates(deps, order);
    });
    expect(ids(search!)).to.deep.equal(drivers.slice(0, rankedCandidatePool));
    expect(lookups.map((l) => l.length)).to.deep.equal([rankedCandidatePool * firstAskFactor]);
  });

  it('when the nearest drivers are busy or unsuitable, then the search widens until it finds the eligible ones', async () => {
    // Made in parallel (the order does not matter here): 50 offers one by one are slow.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => addDriver(0.1 + i * 0.01, { busy: 'offered' })),
    );
    for (let i = 0; i < 30; i++) await addDriver(0.7 + i * 0.01, { capacity: 1 });
    const far = await addDriver(9);
    const farther = await addDriver(14);
    const order = await addOrder({ has_companion: true });
    let search: Awaited<ReturnType<typeof findRankedCandidates>> | undefined;
    const lookups = await driverLookups(async () => {
      search = await findRankedCandidates(deps, order);
    });
    // Never fewer than are available within the reach because of the bound.
    expect(ids(search!)).to.deep.equal([far, farther]);
    // 64 nearest first, then only the 18 not yet looked up: each driver is loaded once.
    expect(lookups.map((l) => l.length)).to.deep.equal([64, 18]);
  });

  const rejections: [string, () => Promise<unknown>, Parameters<typeof addOrder>[0], string][] = [
    ['nobody is near the pickup', async () => addDriver(20), {}, 'no_driver_online'],
    ['everyone near is busy', async () => addDriver(1, { busy: 'on_trip' }), {}, 'all_busy'],
    [
      'the order needs a wheelchair and no van is free',
      async () => addDriver(1),
      { needs_wheelchair_access: true },
      'no_accessible_vehicle',
    ],
    [
      'the order needs two seats and every car has one',
      async () => addDriver(1, { capacity: 1 }),
      { has_companion: true },
      'no_vehicle_big_enough',
    ],
  ];
  for (const [when, arrange, order, code] of rejections) {
    it(`when ${when}, then the rejection is ${code}`, async () => {
      await arrange();
      const search = await findRankedCandidates(deps, await addOrder(order));
      expect(search.candidates).to.deep.equal([]);
      expect(search.rejectionCode).to.equal(code);
      expect(search.rejectionReason).to.be.a('string').and.have.length.greaterThan(20);
    });
  }

  it('when every free driver declined, then the rejection is all_declined', async () => {
    const only = await addDriver(1);
    const order = await addOrder();
    await offerAndClose(deps, order.id, only, 'expired');
    const search = await findRankedCandidates(deps, order);
    expect(search.rejectionCode).to.equal('all_declined');
  });

  it('when region mode is hard and only another region has drivers, then no_driver_in_region', async () => {
    const hard = createTestDeps({ DISPATCH_REGION_MODE: 'hard' }, { now: () => now });
    try {
      await createRegion(deps, { id: 'other' });
      await addDriver(1, { region: 'other' });
      const search = await findRankedCandidates(hard, await addOrder());
      expect(search.rejectionCode).to.equal('no_driver_in_region');
    } finally {
      await closeDeps(hard);
    }
  });
});
