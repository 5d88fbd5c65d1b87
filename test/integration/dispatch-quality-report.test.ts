/**
 * The operator's quality report against a history built through the use cases (booking,
 * the engine's offer, accept, decline, expiry, the trip's statuses) under a fake clock, in
 * the service time zone (Asia/Atyrau, UTC+5). Every figure is checked against a value
 * worked out by hand in the comments.
 */
import { expect } from 'chai';
import { systemActor } from '../../lib/auth/actor.js';
import { expireOffer } from '../../lib/dispatch/answer-offer.js';
import { matchOrder } from '../../lib/dispatch/match-order.js';
import type { AppDeps } from '../../lib/deps.js';
import type { Clock } from '../../lib/clock/clock.js';
import type { UserActor } from '../../lib/auth/actor.js';
import { loadDriverView } from '../../lib/drivers/read-drivers.js';
import { setDriverOnline } from '../../lib/drivers/set-driver-online.js';
import { createRegion } from '../helpers/factories.js';
import { northOf } from '../helpers/dispatch-fixtures.js';
import { bookOrder, createCast, type Cast } from '../helpers/order-fixtures.js';
import { createDriver, reportPosition, tokenFor } from '../helpers/factories.js';
import { closeTestApp, openTestApp, type TestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

const day1Start = Date.parse('2026-11-20T04:00:00Z'); // 09:00 in Atyrau
const seconds = (n: number) => n * 1000;

describe('GET /api/reports/dispatch-quality/', () => {
  let now = day1Start;
  const clock: Clock = { now: () => new Date(now) };
  let deps: AppDeps;
  let app: TestApp;
  let cast: Cast;
  type Placed = { id: number; token: string; km: number; actor: UserActor };
  let d1: Placed, d2: Placed, d3: Placed, d4: Placed;

  const report = (query: string, token = cast.dispatcher.token) =>
    app.request('GET', `/api/reports/dispatch-quality/${query}`, { token });

  async function driverAt(km: number, wheelchair: boolean): Promise<Placed> {
    const { user, driver, actor } = await createDriver(deps, cast.region.id, {
      wheelchair_accessible: wheelchair,
      current_lat: northOf(km).lat,
      current_lon: northOf(km).lon,
    });
    return { id: driver.id, token: await tokenFor(deps, user), km, actor };
  }

  /**
   * Only `driver` is online and free, with a position reported now (the engine's candidates):
   * the others who are free go offline (busy ones stay as they are).
   */
  async function onlyAvailable(driver: Placed) {
    for (const other of [d1, d2, d3, d4]) {
      const isChosen = other.id === driver.id;
      const { status } = await loadDriverView(deps.db.knex, other.id);
      if (!['online_idle', 'offline'].includes(status)) continue;
      await setDriverOnline(deps, other.actor, { driverId: other.id, isOnline: isChosen });
      if (isChosen) await reportPosition(deps, other.actor, northOf(other.km));
    }
  }

  /** The engine offers the order to the one available driver; returns the offer id. */
  async function offerTo(orderId: string, driver: Placed): Promise<number> {
    await onlyAvailable(driver);
    const outcome = await matchOrder(deps, systemActor, { orderId });
    if (outcome.kind !== 'offered' || outcome.driverId !== driver.id) {
      throw new Error(`expected an offer to ${driver.id}, got ${JSON.stringify(outcome)}`);
    }
    return outcome.offerId;
  }

  async function answer(offerId: number, driver: Placed, verb: 'accept' | 'decline') {
    const res = await app.request('POST', `/api/dispatch/offers/${offerId}/${verb}/`, {
      token: driver.token,
      body: {},
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  }

  async function completeTrip(orderId: string) {
    for (const status of ['driver_en_route', 'arrived_waiting', 'ride_ongoing', 'completed']) {
      const res = await app.request('PATCH', `/api/orders/${orderId}/status/`, {
        token: cast.dispatcher.token,
        body: { status },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    }
  }

  const book = async (at: number, wheelchair = false) => {
    now = at;
    const order = await bookOrder(app, cast.passengerA.token, {
      needs_wheelchair_access: wheelchair,
    });
    return order.id as string;
  };

  before(async () => {
    ({ deps, app } = await openTestApp({ TIME_ZONE: 'Asia/Atyrau' }, clock));
    await resetState(deps);
    cast = await createCast(deps);
    await createRegion(deps, { id: 'zhylyoi', center_lat: 46.5, center_lon: 53.4 });
    for (const { driver, actor } of [cast.driverA, cast.driverB]) {
      await setDriverOnline(deps, actor, { driverId: driver.id, isOnline: false });
    }
    d1 = await driverAt(1, true);
    d2 = await driverAt(2, false);
    d3 = await driverAt(3, true);
    d4 = await driverAt(4, false); // never offered anything: not an active driver
    await createDriver(deps, 'zhylyoi', { is_online: false }); // the other region: no activity

    // A, 09:00: offered to D1 at once, accepted 15 s later → 15 s, 1 km.
    const a = await book(day1Start);
    const offerA = await offerTo(a, d1);
    now += seconds(15);
    await answer(offerA, d1, 'accept');
    await completeTrip(a);

    // B, 10:00: D2 declines; D1 is offered at +60 s and accepts at +75 s → 75 s, 1 km.
    const b = await book(day1Start + seconds(3600));
    const declined = await offerTo(b, d2);
    now += seconds(10);
    await answer(declined, d2, 'decline');
    now += seconds(50);
    const offerB = await offerTo(b, d1);
    now += seconds(15);
    await answer(offerB, d1, 'accept');
    await completeTrip(b);

    // C (wheelchair), 11:00: D3's offer expires; D1 accepts at +1,210 s → not within 15 min.
    const c = await book(day1Start + seconds(7200), true);
    const expired = await offerTo(c, d3);
    now += seconds(deps.config.dispatch.offerTimeoutSeconds);
    expect(await expireOffer(deps, systemActor, { offerId: expired })).to.deep.equal({
      kind: 'expired',
    });
    now = day1Start + seconds(7200 + 1200);
    const offerC = await offerTo(c, d1);
    now += seconds(10);
    await answer(offerC, d1, 'accept');
    await completeTrip(c);

    // D (wheelchair), 12:00: D3 is offered at +590 s, accepts at +600 s → within 15 min, 3 km.
    const d = await book(day1Start + seconds(10_800), true);
    now += seconds(590);
    const offerD = await offerTo(d, d3);
    now += seconds(10);
    await answer(offerD, d3, 'accept');
    await completeTrip(d);

    // E, 13:00: nobody free, the passenger cancels: an order, never assigned.
    const e = await book(day1Start + seconds(14_400));
    const cancelled = await app.request('PATCH', `/api/orders/${e}/status/`, {
      token: cast.passengerA.token,
      body: { status: 'cancelled' },
    });
    expect(cancelled.status).to.equal(200);

    // F, 23:50 local on day 1: D2 is offered at 00:04:50 and accepts at 00:05:00 local on
    // day 2 → 900 s, 2 km; the order is day 1's, the trip is D2's on day 2 (in UTC both
    // would be 2026-11-20).
    const f = await book(Date.parse('2026-11-20T18:50:00Z'));
    now = Date.parse('2026-11-20T19:04:50Z');
    const offerF = await offerTo(f, d2);
    now += seconds(10);
    await answer(offerF, d2, 'accept');
    now = Date.parse('2026-11-21T09:00:00Z');
  });
  after(() => closeTestApp(deps, app));

  it('when staff ask for two days, then each region × day carries the hand-computed figures', async () => {
    const res = await report('?from=2026-11-20&to=2026-11-21');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({
      from: '2026-11-20',
      to: '2026-11-21',
      time_zone: 'Asia/Atyrau',
      region_id: null,
    });
    const rows = res.body.results as { day: string; region_id: string }[];
    expect(rows.map((r) => `${r.day} ${r.region_id}`)).to.deep.equal([
      '2026-11-20 atyrau_center',
      '2026-11-20 zhylyoi',
      '2026-11-21 atyrau_center',
      '2026-11-21 zhylyoi',
    ]);
    expect(rows[0]).to.deep.equal({
      region_id: 'atyrau_center',
      day: '2026-11-20',
      orders: 6, // A–F
      assigned_orders: 5,
      // Waits sorted 15, 75, 600, 900, 1210 s: p50 = 600; p90 at rank 3.6 = 900 + 0.6 × 310.
      time_to_assignment_s_p50: 600,
      time_to_assignment_s_p90: 1086,
      // Accepted offers 1, 1, 1, 3, 2 km (haversine of 1/111.2° is 0.99996 km) → 1.6.
      pickup_km_mean: 1.6,
      wheelchair_requests: 2, // C (1,210 s) and D (600 s)
      wheelchair_assigned_within_15_min_share: 0.5,
      offers_declined: 1,
      offers_expired: 1,
      // D1 3 trips, D2 0 (offered B, declined), D3 1; D4 was never offered: not active.
      // Gini of 0, 1, 3: 2 × (1·0 + 2·1 + 3·3) / (3 × 4) − 4/3 = 0.5.
      active_drivers: 3,
      driver_trips_gini: 0.5,
      driver_trips_min: 0,
      driver_trips_max: 3,
    });
    // Day 2: no bookings, but D2's trip (F, assigned at 00:05 local) counts there.
    expect(rows[2]).to.deep.equal({
      region_id: 'atyrau_center',
      day: '2026-11-21',
      orders: 0,
      assigned_orders: 0,
      time_to_assignment_s_p50: null,
      time_to_assignment_s_p90: null,
      pickup_km_mean: null,
      wheelchair_requests: 0,
      wheelchair_assigned_within_15_min_share: null,
      offers_declined: 0,
      offers_expired: 0,
      active_drivers: 1,
      driver_trips_gini: 0,
      driver_trips_min: 1,
      driver_trips_max: 1,
    });
    for (const quiet of [rows[1], rows[3]]) {
      expect(quiet).to.include({ orders: 0, active_drivers: 0, driver_trips_gini: null });
    }
  });

  it('when one region is asked for, then only its rows come back; an unknown one is 404', async () => {
    const res = await report('?from=2026-11-20&to=2026-11-20&region_id=atyrau_center');
    expect(res.status).to.equal(200);
    expect(res.body.region_id).to.equal('atyrau_center');
    expect(res.body.results.map((r: { region_id: string }) => r.region_id)).to.deep.equal([
      'atyrau_center',
    ]);
    expect(res.body.results[0].orders).to.equal(6);
    const missing = await report('?from=2026-11-20&to=2026-11-20&region_id=nowhere');
    expect(missing.status).to.equal(404);
    expect(missing.body.code).to.equal('not_found');
  });

  it('when no dates are given, then the week ending today (the service day) is reported', async () => {
    const res = await report('?region_id=atyrau_center');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ from: '2026-11-15', to: '2026-11-21' });
    expect(res.body.results).to.have.length(7);
  });

  const badQueries: [string, string][] = [
    ['?from=2026-02-30', 'from'],
    ['?from=-271821-04-20', 'from'],
    ['?to=275760-09-13', 'to'],
    ['?from=0000-01-01', 'from'],
    ['?from=20261120', 'from'],
    ['?from=2026-11-21&to=2026-11-20', 'to'],
    ['?from=2026-01-01&to=2026-04-03', 'to'], // 93 days
    ['?from=2026-11-20&page=2', 'page'],
  ];
  for (const [query, field] of badQueries) {
    it(`when the query is ${query}, then 400 names ${field}`, async () => {
      const res = await report(query);
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.code).to.equal('validation_failed');
      expect(res.body.fields).to.have.property(field);
    });
  }

  it('when 92 days are asked for, then every day is there', async () => {
    const res = await report('?from=2026-01-01&to=2026-04-02&region_id=zhylyoi');
    expect(res.status).to.equal(200);
    expect(res.body.results).to.have.length(92);
  });
});
