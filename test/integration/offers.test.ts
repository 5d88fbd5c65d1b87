import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { systemActor } from '../../lib/auth/actor.js';
import { expireOffer } from '../../lib/dispatch/answer-offer.js';
import { matchOrder, NoDriverYetError } from '../../lib/dispatch/match-order.js';
import { findRankedCandidates } from '../../lib/dispatch/find-candidates.js';
import { listTripsToday } from '../../lib/drivers/trips-today.js';
import { findOrderById } from '../../db/repositories/order.repository.js';
import { resetState } from '../helpers/test-deps.js';
import { createPassenger, createRegion, tokenFor } from '../helpers/factories.js';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import { advanceOrder, createOrderIn, placeDriver } from '../helpers/dispatch-fixtures.js';

describe('matching and offers', () => {
  let deps: AppDeps;
  let app: TestApp;
  let nowMs = Date.now();
  const clock = { now: () => new Date(nowMs) };
  let regionId: string;
  let passenger: { id: number; user_id: number; region_id: string };
  let passengerToken: string;

  before(async () => {
    ({ deps, app } = await openTestApp({ DISPATCH_OFFER_TIMEOUT_SECONDS: '20' }, clock));
  });
  after(() => closeTestApp(deps, app));
  beforeEach(async () => {
    nowMs = Date.now();
    await resetState(deps);
    regionId = (await createRegion(deps, { id: 'atyrau' })).id;
    const created = await createPassenger(deps, regionId, { full_name: 'Aigerim S.' });
    passenger = created.passenger;
    passengerToken = await tokenFor(deps, created.user);
  });

  const driverStatus = async (id: number) =>
    ((await deps.db.knex('drivers').where({ id }).first()) as { status: string }).status;
  const order = async (id: string) =>
    (await deps.db.knex('orders').where({ id }).first()) as {
      status: string;
      driver_id: number | null;
      version: number;
      assignment_reason: string | null;
      rejection_reason: string | null;
    };
  const offersOf = async (orderId: string) =>
    (await deps.db.knex('offers').where({ order_id: orderId }).orderBy('id')) as {
      id: number;
      driver_id: number;
      status: string;
      rank: number;
    }[];
  const outboxTopics = async () =>
    (await deps.db.knex('outbox_messages').orderBy('id').pluck('topic')) as string[];

  async function offeredOrder() {
    const near = await placeDriver(deps, regionId, 1);
    const far = await placeDriver(deps, regionId, 3);
    const orderId = await createOrderIn(deps, passenger);
    const outcome = await matchOrder(deps, systemActor, { orderId });
    expect(outcome).to.include({ kind: 'offered', driverId: near.driver.id, rank: 1 });
    const [offer] = await offersOf(orderId);
    return { near, far, orderId, offer: offer! };
  }

  it('when an order is matching, then the nearest free driver is offered it with an expiry job', async () => {
    const { near, far, orderId, offer } = await offeredOrder();
    expect(offer).to.include({ driver_id: near.driver.id, status: 'pending', rank: 1 });
    expect((await order(orderId)).status).to.equal('offered');
    expect(await driverStatus(near.driver.id)).to.equal('offered');
    expect(await driverStatus(far.driver.id)).to.equal('online_idle');
    const expiry = await deps.db
      .knex('outbox_messages')
      .where({ topic: 'dispatch.expire-offer' })
      .first();
    expect(expiry).to.include({ job_id: `expire-offer-${offer.id}` });
    expect(await outboxTopics()).to.include('realtime.offer-changed');
  });

  it('when the same match job runs twice, then the order is offered once', async () => {
    const { orderId } = await offeredOrder();
    expect(await matchOrder(deps, systemActor, { orderId })).to.deep.equal({
      kind: 'skipped',
      status: 'offered',
    });
    expect(await offersOf(orderId)).to.have.length(1);
  });

  it('when a job is aborted by its time budget, then no driver stays reserved', async () => {
    const driver = await placeDriver(deps, regionId, 1);
    const orderId = await createOrderIn(deps, passenger);
    // Passes the check before the transaction, then aborts inside it after the reservation.
    let checks = 0;
    const signal = {
      throwIfAborted: () => {
        if (++checks > 1) throw new Error('budget');
      },
    } as AbortSignal;
    await matchOrder(deps, systemActor, { orderId, signal }).then(
      () => expect.fail('should abort'),
      (e: Error) => expect(e.message).to.equal('budget'),
    );
    expect(await driverStatus(driver.driver.id)).to.equal('online_idle');
    expect((await order(orderId)).status).to.equal('matching');
    expect(await offersOf(orderId)).to.have.length(0);
  });

  it('when the driver accepts, then the order is assigned to them and they are on the way', async () => {
    const { near, orderId, offer } = await offeredOrder();
    const token = await tokenFor(deps, near.user);
    const response = await app.request('POST', `/api/dispatch/offers/${offer.id}/accept/`, {
      token,
    });
    expect(response.status).to.equal(200);
    expect(response.body.success).to.equal(true);
    expect(response.body.order).to.include({ id: orderId, status: 'assigned' });
    expect(response.body.order.driver.id).to.equal(near.driver.id);
    expect(response.body.order.assignment_reason).to.match(
      /^engine: rank 1, 1\.0 km, 0 trips today$/,
    );
    expect(await driverStatus(near.driver.id)).to.equal('enroute_to_pickup');
    expect((await offersOf(orderId))[0]!.status).to.equal('accepted');

    const again = await app.request('POST', `/api/dispatch/offers/${offer.id}/accept/`, { token });
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('offer_closed');
  });

  it('when someone other than the offered driver answers, then 404 (or 403 for a passenger)', async () => {
    const { far, offer } = await offeredOrder();
    const otherToken = await tokenFor(deps, far.user);
    for (const action of ['accept', 'decline']) {
      const other = await app.request('POST', `/api/dispatch/offers/${offer.id}/${action}/`, {
        token: otherToken,
      });
      expect(other.status).to.equal(404);
      const byPassenger = await app.request('POST', `/api/dispatch/offers/${offer.id}/${action}/`, {
        token: passengerToken,
      });
      expect(byPassenger.status).to.equal(403);
      const anonymous = await app.request('POST', `/api/dispatch/offers/${offer.id}/${action}/`);
      expect(anonymous.status).to.equal(401);
    }
    const bogus = await app.request('POST', '/api/dispatch/offers/abc/accept/', {
      token: otherToken,
    });
    expect(bogus.status).to.equal(404);
  });

  it('when the driver declines, then they are freed, excluded, and the next driver is offered', async () => {
    const { near, far, orderId, offer } = await offeredOrder();
    const token = await tokenFor(deps, near.user);
    const response = await app.request('POST', `/api/dispatch/offers/${offer.id}/decline/`, {
      token,
      body: { reason: 'flat tyre' },
    });
    expect(response.status).to.equal(200);
    expect((await order(orderId)).status).to.equal('matching');
    expect(await driverStatus(near.driver.id)).to.equal('online_idle');
    const exclusion = await deps.db.knex('order_excluded_drivers').where({ order_id: orderId });
    expect(exclusion).to.have.length(1);
    expect(exclusion[0]).to.include({ driver_id: near.driver.id, reason: 'declined' });
    const owed = await deps.db
      .knex('outbox_messages')
      .where({ topic: 'dispatch.match-order' })
      .pluck('job_id');
    expect(owed).to.have.length(2);

    expect(await matchOrder(deps, systemActor, { orderId })).to.include({
      kind: 'offered',
      driverId: far.driver.id,
    });
    const late = await app.request('POST', `/api/dispatch/offers/${offer.id}/decline/`, { token });
    expect(late.status).to.equal(409);
  });

  it('when a decline carries an unknown field, then 400 with fields', async () => {
    const { near, offer } = await offeredOrder();
    const response = await app.request('POST', `/api/dispatch/offers/${offer.id}/decline/`, {
      token: await tokenFor(deps, near.user),
      body: { reason: 'busy', status: 'assigned' },
    });
    expect(response.status).to.equal(400);
    expect(response.body.fields).to.have.property('status');
  });

  it('when nobody answers in time, then the offer expires once and the order goes back to matching', async () => {
    const { near, orderId, offer } = await offeredOrder();
    nowMs += 21_000;
    const token = await tokenFor(deps, near.user);
    const tooLate = await app.request('POST', `/api/dispatch/offers/${offer.id}/accept/`, {
      token,
    });
    expect(tooLate.status).to.equal(409);
    expect(await expireOffer(deps, systemActor, { offerId: offer.id })).to.deep.equal({
      kind: 'expired',
    });
    expect(await expireOffer(deps, systemActor, { offerId: offer.id })).to.deep.equal({
      kind: 'skipped',
      status: 'expired',
    });
    expect((await offersOf(orderId))[0]!.status).to.equal('expired');
    expect((await order(orderId)).status).to.equal('matching');
    expect(await driverStatus(near.driver.id)).to.equal('online_idle');
    const exclusion = await deps.db
      .knex('order_excluded_drivers')
      .where({ order_id: orderId })
      .first();
    expect(exclusion).to.include({ reason: 'expired' });
  });

  it('when the offer was accepted, then the expiry job does nothing', async () => {
    const { near, orderId, offer } = await offeredOrder();
    const token = await tokenFor(deps, near.user);
    await app.request('POST', `/api/dispatch/offers/${offer.id}/accept/`, { token });
    expect(await expireOffer(deps, systemActor, { offerId: offer.id })).to.deep.equal({
      kind: 'skipped',
      status: 'accepted',
    });
    expect((await order(orderId)).status).to.equal('assigned');
  });

  it('when a driver asks for their offers, then they see the pending one without disability details', async () => {
    const { near, orderId, offer } = await offeredOrder();
    const response = await app.request('GET', '/api/drivers/me/offers/', {
      token: await tokenFor(deps, near.user),
    });
    expect(response.status).to.equal(200);
    expect(response.body.count).to.equal(1);
    const view = response.body.results[0];
    expect(view).to.include({ id: offer.id, order_id: orderId, status: 'pending' });
    expect(view.passenger).to.deep.equal({ id: passenger.id, full_name: 'Aigerim S.' });
    expect(view.expires_in_seconds).to.be.within(19, 20);
    expect(JSON.stringify(view)).not.to.include('группа');
    const forPassenger = await app.request('GET', '/api/drivers/me/offers/', {
      token: passengerToken,
    });
    expect(forPassenger.status).to.equal(403);
  });

  it('when no driver is near, then the job retries, and past the give-up time the dispatcher decides', async () => {
    const orderId = await createOrderIn(deps, passenger);
    let error: unknown;
    await matchOrder(deps, systemActor, { orderId }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(NoDriverYetError);
    expect((await order(orderId)).status).to.equal('matching');

    nowMs += (deps.config.dispatch.giveUpSeconds + 5) * 1000;
    const outcome = await matchOrder(deps, systemActor, { orderId });
    expect(outcome.kind).to.equal('gave_up');
    const row = await order(orderId);
    expect(row.status).to.equal('awaiting_dispatcher_decision');
    expect(row.rejection_reason).to.match(/No driver is online/);
  });

  it('when every near driver declined, then the job gives up on its last try with that reason', async () => {
    const { near, orderId, offer } = await offeredOrder();
    await app.request('POST', `/api/dispatch/offers/${offer.id}/decline/`, {
      token: await tokenFor(deps, near.user),
    });
    const second = (await matchOrder(deps, systemActor, { orderId })) as {
      offerId: number;
      driverId: number;
    };
    await expireOffer(deps, systemActor, { offerId: second.offerId });
    const outcome = await matchOrder(deps, systemActor, { orderId, isFinalAttempt: true });
    expect(outcome.kind).to.equal('gave_up');
    expect((await order(orderId)).rejection_reason).to.match(/declined, missed or withdrawn/);
  });

  it('when a pre-booked order is due, then the job moves it to matching and owes the next job', async () => {
    await placeDriver(deps, regionId, 1);
    const orderId = await createOrderIn(deps, passenger, 'active_queue', {
      desired_pickup_time: new Date(nowMs + 3600_000),
    });
    expect(await matchOrder(deps, systemActor, { orderId })).to.deep.equal({
      kind: 'queue_released',
    });
    expect((await order(orderId)).status).to.equal('matching');
    expect(await matchOrder(deps, systemActor, { orderId })).to.include({ kind: 'offered' });
  });

  it('when two engine runs race for one driver, then only one order is offered to them', async () => {
    await placeDriver(deps, regionId, 1);
    const first = await createOrderIn(deps, passenger);
    const second = await createOrderIn(deps, passenger);
    const outcomes = await Promise.allSettled([
      matchOrder(deps, systemActor, { orderId: first }),
      matchOrder(deps, systemActor, { orderId: second }),
    ]);
    const offered = outcomes.filter((o) => o.status === 'fulfilled' && o.value.kind === 'offered');
    expect(offered).to.have.length(1);
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected).to.have.length(1);
    expect((rejected[0] as PromiseRejectedResult).reason).to.be.instanceOf(NoDriverYetError);
  });

  it("when offers are accepted, declined and missed, then each driver's day counts them", async () => {
    const { near, far, orderId, offer } = await offeredOrder();
    await app.request('POST', `/api/dispatch/offers/${offer.id}/decline/`, {
      token: await tokenFor(deps, near.user),
    });
    const second = (await matchOrder(deps, systemActor, { orderId })) as { offerId: number };
    await app.request('POST', `/api/dispatch/offers/${second.offerId}/accept/`, {
      token: await tokenFor(deps, far.user),
    });
    const other = await createOrderIn(deps, passenger);
    const third = (await matchOrder(deps, systemActor, { orderId: other })) as { offerId: number };
    await expireOffer(deps, systemActor, { offerId: third.offerId });
    // What the offers table records for the day, per driver and outcome.
    const outcomes = (await deps.db
      .knex('offers')
      .select('driver_id', 'status')
      .count({ n: '*' })
      .groupBy('driver_id', 'status')
      .orderBy(['driver_id', 'status'])) as { driver_id: number; status: string; n: string }[];
    expect(outcomes.map((o) => [o.driver_id, o.status, Number(o.n)])).to.deep.equal(
      [
        [near.driver.id, 'declined', 1],
        [near.driver.id, 'expired', 1],
        [far.driver.id, 'accepted', 1],
      ].sort((a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1]))),
    );
    // Trips today as production counts them: the console's list and the ranking itself.
    expect(await listTripsToday(deps)).to.deep.equal({ trips_today: { [far.driver.id]: 1 } });
    // The far driver's trip done, so they are free again (it still counts): the ranking sees
    // the same count.
    await advanceOrder(deps, orderId, [
      'driver_en_route',
      'arrived_waiting',
      'ride_ongoing',
      'completed',
    ]);
    const next = await createOrderIn(deps, passenger);
    const ranked = await findRankedCandidates(deps, (await findOrderById(deps.db.knex, next))!);
    expect(ranked.candidates.map((c) => [c.driver_id, c.trips_today])).to.deep.equal([
      [near.driver.id, 0],
      [far.driver.id, 1],
    ]);
  });
});
