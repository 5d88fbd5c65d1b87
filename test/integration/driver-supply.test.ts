/**
 * The in-memory driver supply of a dispatch worker (lib/dispatch/supply-follower.ts): a search
 * given the order's supply barrier answers exactly as the SQL search does, without the
 * candidate query, after any mix of changes committed just before the order load; and when
 * the supply is stale anyway, the offer's conditional reservation stays the truth.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { systemActor } from '../../lib/auth/actor.js';
import type { CandidateSearch } from '../../lib/dispatch/find-candidates.js';
import { matchOrder } from '../../lib/dispatch/match-order.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { createPassenger, createRegion } from '../helpers/factories.js';
import { createOrderIn, placeDriver } from '../helpers/dispatch-fixtures.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { searchBothWays } from '../helpers/supply-search.js';

// 10:00 UTC is 15:00 in Atyrau (UTC+5): the local day began at 19:00 UTC the day before.
const now = new Date('2026-11-26T10:00:00Z');
const statuses = ['online_idle', 'offered', 'enroute_to_pickup', 'on_trip', 'paused'] as const;

describe('driver supply (in-memory candidate facts, kept exact by announcements)', () => {
  let deps: AppDeps;
  let passenger: { id: number; user_id: number; region_id: string };
  const random = seededRandom();

  before(() => {
    deps = createTestDeps({}, { now: () => now });
  });
  after(() => closeDeps(deps));
  beforeEach(async () => {
    await resetState(deps);
    await createRegion(deps, { id: 'atyrau' });
    await createRegion(deps, { id: 'aktau', center_lat: 43.65, center_lon: 51.16 });
    const made = await createPassenger(deps, 'atyrau');
    passenger = { id: made.passenger.id, user_id: made.user.id, region_id: 'atyrau' };
  });

  const bothWays = (orderId: string) => searchBothWays(deps, orderId);

  const summary = (s: CandidateSearch) => ({
    candidates: s.candidates,
    rejection: s.rejectionCode,
    excluded: [...s.excluded].sort((a, b) => a.driver_id - b.driver_id),
  });

  it('when drivers, trips and exclusions change just before each order load, then the supply answers as SQL does without the candidate query', async () => {
    const drivers: number[] = [];
    for (let i = 0; i < 24; i++) {
      const { driver } = await placeDriver(deps, i % 6 === 0 ? 'aktau' : 'atyrau', 0.3 + i * 0.2, {
        capacity: 1 + (i % 4),
        wheelchair_accessible: i % 5 === 0,
      });
      drivers.push(driver.id);
    }
    const orderId = await createOrderIn(deps, passenger);
    const pick = () => drivers[Math.floor(random.next() * drivers.length)]!;
    let otherOrders = 0;
    // Row changes written directly, on purpose: the supply follows the tables' announcements,
    // and this fuzz commits states no use case makes (a driver `offered` with no offer, a trip
    // assigned yesterday under the fixed clock, a finished trip moved to another driver, an
    // exclusion of a driver in any status), so a use case's checks would refuse most of them.
    for (let step = 0; step < 30; step++) {
      // A few committed changes of every kind the facts depend on, then the order load.
      for (let k = 0; k < 3; k++) {
        const id = pick();
        const r = random.next();
        if (r < 0.3) {
          const status = statuses[Math.floor(random.next() * statuses.length)]!;
          await deps.db.knex('drivers').where({ id }).update({ status, is_online: true });
        } else if (r < 0.4) {
          await deps.db
            .knex('drivers')
            .where({ id })
            .update({ is_online: false, status: 'offline' });
        } else if (r < 0.5) {
          await deps.db
            .knex('drivers')
            .where({ id })
            .update({ is_active: random.next() < 0.5 });
        } else if (r < 0.6) {
          await deps.db
            .knex('drivers')
            .where({ id })
            .update({ capacity: 1 + Math.floor(random.next() * 4) });
        } else if (r < 0.85) {
          // A trip today (or yesterday, or one that does not count), or a change of one.
          otherOrders += 1;
          const tripId = `ord_trip_${otherOrders}`;
          await deps.db.knex('orders').insert({
            id: tripId,
            passenger_id: passenger.id,
            region_id: 'atyrau',
            created_by_user_id: passenger.user_id,
            pickup_title: 'A',
            dropoff_title: 'B',
            pickup_lat: 47.2,
            pickup_lon: 51.9,
            dropoff_lat: 47.21,
            dropoff_lon: 51.91,
            status: random.next() < 0.7 ? 'completed' : 'cancelled',
            seats_needed: 1,
            driver_id: id,
            assigned_at: new Date(now.getTime() - (random.next() < 0.8 ? 3600_000 : 20 * 3600_000)),
          });
          if (random.next() < 0.3) {
            await deps.db.knex('orders').where({ id: tripId }).update({ driver_id: pick() });
          }
        } else {
          await deps.db
            .knex('order_excluded_drivers')
            .insert({ order_id: orderId, driver_id: id, reason: 'declined' })
            .onConflict(['order_id', 'driver_id'])
            .ignore();
        }
      }
      const { viaSupply, viaSql, supplyQueries } = await bothWays(orderId);
      expect(summary(viaSupply), `step ${step}`).to.deep.equal(summary(viaSql));
      expect(supplyQueries, 'candidate queries of the supply search').to.equal(0);
    }
  });

  it('when the supply holds a driver as free who is busy in PostgreSQL, then the offer to them fails and the next candidate gets it', async () => {
    const { driver: nearest } = await placeDriver(deps, 'atyrau', 0.5);
    const { driver: next } = await placeDriver(deps, 'atyrau', 1.5);
    const orderId = await createOrderIn(deps, passenger);
    const first = await bothWays(orderId);
    expect(first.viaSupply.candidates.map((c) => c.driver_id)).to.deep.equal([nearest.id, next.id]);
    // Busy without an announcement (triggers off for this transaction): the supply goes stale.
    await deps.db.transaction(async (trx) => {
      await trx.raw('SET LOCAL session_replication_role = replica');
      await trx('drivers').where({ id: nearest.id }).update({ status: 'paused' });
    });
    const stale = await bothWays(orderId);
    expect(stale.viaSupply.candidates.map((c) => c.driver_id)).to.deep.equal([nearest.id, next.id]);
    expect(stale.viaSql.candidates.map((c) => c.driver_id)).to.deep.equal([next.id]);

    const outcome = await matchOrder(deps, systemActor, { orderId });
    expect(outcome).to.include({ kind: 'offered', driverId: next.id });
    const offers = await deps.db.knex('offers').where({ order_id: orderId }).select('driver_id');
    expect(offers.map((o: { driver_id: number }) => o.driver_id)).to.deep.equal([next.id]);
    const busy = await deps.db.knex('drivers').where({ id: nearest.id }).first('status');
    expect(busy.status).to.equal('paused');
  });

  it('when a driver is taken between two order loads, then the second search no longer ranks them', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push((await placeDriver(deps, 'atyrau', 0.5 + i)).driver.id);
    const orderId = await createOrderIn(deps, passenger);
    for (const id of ids) {
      await deps.db.knex('drivers').where({ id }).update({ status: 'offered' });
      const { viaSupply, supplyQueries } = await bothWays(orderId);
      expect(viaSupply.candidates.map((c) => c.driver_id)).to.not.include(id);
      expect(supplyQueries).to.equal(0);
    }
    const { viaSupply } = await bothWays(orderId);
    expect(viaSupply.rejectionCode).to.equal('all_busy');
  });
});
