import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { findRankedCandidates } from '../../lib/dispatch/find-candidates.js';
import { findOrderById } from '../../db/repositories/order.repository.js';
import { assignAndAdvance, createOrderIn, placeDriver } from '../helpers/dispatch-fixtures.js';
import { createPassenger, createRegion, createUser, tokenFor } from '../helpers/factories.js';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

describe('GET /api/dispatch/candidates/{order_id}/', () => {
  let deps: AppDeps;
  let app: TestApp;
  let dispatcherToken: string;
  let passenger: Awaited<ReturnType<typeof createPassenger>>;
  let regionId: string;

  before(async () => {
    ({ deps, app } = await openTestApp());
  });
  after(() => closeTestApp(deps, app));
  beforeEach(async () => {
    await resetState(deps);
    regionId = (await createRegion(deps, { id: 'atyrau' })).id;
    passenger = await createPassenger(deps, regionId);
    dispatcherToken = await tokenFor(deps, await createUser(deps, 'dispatcher'));
  });

  const orderOf = () => createOrderIn(deps, { ...passenger.passenger, user_id: passenger.user.id });

  it('when a dispatcher asks, then the candidates come ranked exactly as the engine ranks them, with each factor', async () => {
    await createRegion(deps, { id: 'other' });
    const near = await placeDriver(deps, regionId, 0.8);
    const fair = await placeDriver(deps, regionId, 2.0);
    const van = await placeDriver(deps, regionId, 0.5, { wheelchair_accessible: true });
    const foreign = await placeDriver(deps, 'other', 0.3);
    const orderId = await orderOf();
    // The near driver already drove today, so the fair one (within 2 km extra) goes first.
    const doneToday = await orderOf();
    await assignAndAdvance(deps, doneToday, near.driver.id, [
      'driver_en_route',
      'arrived_waiting',
      'ride_ongoing',
      'completed',
    ]);

    const res = await app.request('GET', `/api/dispatch/candidates/${orderId}/`, {
      token: dispatcherToken,
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ order_id: orderId, count: 4, rejection_reason: null });
    expect(res.body.candidates.map((c: any) => c.driver_id)).to.deep.equal([
      fair.driver.id,
      near.driver.id,
      van.driver.id,
      foreign.driver.id,
    ]);
    expect(res.body.candidates[0]).to.include.keys(
      'driver_id',
      'name',
      'region_id',
      'car_model',
      'capacity',
      'wheelchair_accessible',
      'distance_m',
      'region_match',
      'trips_today',
      'score',
      'rank',
    );
    expect(res.body.candidates[1]).to.include({ trips_today: 1, rank: 2, region_match: true });
    expect(res.body.candidates[2]).to.include({ held_for_accessibility: true });
    expect(res.body.candidates[3]).to.include({ region_match: false, region_id: 'other' });

    const engine = await findRankedCandidates(deps, (await findOrderById(deps.db.knex, orderId))!);
    // The same ranking, each candidate also carrying the original dashboard's priority object
    // and its batch cost terms.
    expect(
      res.body.candidates.map(
        ({ cost: _cost, in_batch_round: _inRound, priority: _priority, ...ranked }: any) => ranked,
      ),
    ).to.deep.equal(engine.candidates);
    expect(res.body.candidates[1].priority).to.deep.equal({
      region_match: true,
      order_count: 1,
      distance: res.body.candidates[1].distance_m,
    });
  });

  it("when a dispatcher asks, then each pair's cost terms in metres are explained beside the ranking", async () => {
    await createRegion(deps, { id: 'other' });
    const near = await placeDriver(deps, regionId, 0.8);
    const van = await placeDriver(deps, regionId, 0.5, { wheelchair_accessible: true });
    const foreign = await placeDriver(deps, 'other', 0.3);
    const orderId = await orderOf();
    const doneToday = await orderOf();
    await assignAndAdvance(deps, doneToday, near.driver.id, [
      'driver_en_route',
      'arrived_waiting',
      'ride_ongoing',
      'completed',
    ]);
    const res = await app.request('GET', `/api/dispatch/candidates/${orderId}/`, {
      token: dispatcherToken,
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ policy: 'ranked', count: 3 });
    expect(res.body.waited_seconds).to.be.within(0, 30);
    const costOf = (driverId: number) =>
      res.body.candidates.find((c: any) => c.driver_id === driverId).cost;
    // The configured weights: other region, per trip above the fewest (0), accessible vehicle
    // on an ambulatory trip; the order has just started waiting (~0 credit).
    const weights = deps.config.dispatch.cost;
    const expected = {
      [near.driver.id]: {
        pickup: 800,
        other_region_m: 0,
        fairness_m: weights.fairnessPerTripM,
        accessible_reserve_m: 0,
      },
      [van.driver.id]: {
        pickup: 500,
        other_region_m: 0,
        fairness_m: 0,
        accessible_reserve_m: weights.accessibleReserveM,
      },
      [foreign.driver.id]: {
        pickup: 300,
        other_region_m: weights.otherRegionM,
        fairness_m: 0,
        accessible_reserve_m: 0,
      },
    };
    for (const [driverId, terms] of Object.entries(expected)) {
      const cost = costOf(Number(driverId));
      expect(cost.pickup_m, driverId).to.be.closeTo(terms.pickup, 10);
      expect(cost).to.include({
        other_region_m: terms.other_region_m,
        fairness_m: terms.fairness_m,
        accessible_reserve_m: terms.accessible_reserve_m,
      });
      expect(cost.urgency_credit_m).to.be.within(0, 100);
      expect(cost.total_m).to.be.closeTo(
        cost.pickup_m +
          cost.other_region_m +
          cost.fairness_m +
          cost.accessible_reserve_m -
          cost.urgency_credit_m,
        0.2,
      );
    }
    expect(res.body.candidates.every((c: any) => c.in_batch_round === true)).to.equal(true);
  });

  it('when nobody can take the order, then the list is empty with the reason', async () => {
    const orderId = await orderOf();
    const res = await app.request('GET', `/api/dispatch/candidates/${orderId}/`, {
      token: dispatcherToken,
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ count: 0 });
    expect(res.body.rejection_reason).to.match(/No driver is online/);
  });

  it('when the order does not exist, then 404', async () => {
    const res = await app.request('GET', '/api/dispatch/candidates/order_missing/', {
      token: dispatcherToken,
    });
    expect(res.status).to.equal(404);
  });

  it('when a passenger or a driver asks, then 403; without a token, 401', async () => {
    const orderId = await orderOf();
    const path = `/api/dispatch/candidates/${orderId}/`;
    const passengerToken = await tokenFor(deps, passenger.user);
    const driverToken = await tokenFor(deps, (await placeDriver(deps, regionId, 1)).user);
    expect((await app.request('GET', path, { token: passengerToken })).status).to.equal(403);
    expect((await app.request('GET', path, { token: driverToken })).status).to.equal(403);
    expect((await app.request('GET', path)).status).to.equal(401);
  });
});
