import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { deactivateDriver } from '../../lib/drivers/manage-drivers.js';
import { createDriver, fixtureAdmin, takeFreeDriversOffline } from '../helpers/factories.js';
import {
  assignOrder,
  bookOrder,
  createCast,
  offerOrder,
  type Cast,
} from '../helpers/order-fixtures.js';
import { closeTestApp, openTestApp, type TestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

describe('manual assignment and withdrawal', () => {
  let deps: AppDeps;
  let app: TestApp;
  let cast: Cast;
  let orderId: string;

  // Reset once; each test then gets a fresh cast (new passengers and drivers) and order.
  before(async () => {
    ({ deps, app } = await openTestApp({ DISPATCH_ASSIGN_WAIT_MS: '300' }));
    await resetState(deps);
  });
  after(async () => {
    await closeTestApp(deps, app);
  });
  beforeEach(async () => {
    cast = await createCast(deps);
    orderId = (await bookOrder(app, cast.passengerA.token)).id;
  });

  const assign = (token: string | undefined, body: unknown, id = orderId) =>
    app.request('POST', `/api/dispatch/assign/${id}/`, { token, body });
  const driverStatus = async (id: number) =>
    ((await deps.db.knex('drivers').where('id', id).first()) as { status: string }).status;

  describe('assigning a chosen driver', () => {
    it('when staff assign a free driver to a matching order, then 200 with the order assigned', async () => {
      const res = await assign(cast.dispatcher.token, { driver_id: cast.driverA.driver.id });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({
        success: true,
        driver_id: cast.driverA.driver.id,
        reason: 'manual',
      });
      expect(res.body.order).to.include({ status: 'assigned', assignment_reason: 'manual' });
      expect(res.body.order.driver.id).to.equal(cast.driverA.driver.id);
      expect(res.body.order.assigned_at).to.be.a('string');
      expect(await driverStatus(cast.driverA.driver.id)).to.equal('enroute_to_pickup');
      const event = await deps.db
        .knex('order_events')
        .where({ order_id: orderId, to_status: 'assigned' })
        .first();
      expect(event).to.include({ from_status: 'matching', actor_role: 'dispatcher' });
    });

    it('when the driver id comes as a string of digits (the original dashboard), then it is that driver', async () => {
      const driver_id = String(cast.driverA.driver.id);
      const res = await assign(cast.dispatcher.token, { driver_id });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.driver_id).to.equal(cast.driverA.driver.id);
      expect(res.body.order.driver.id).to.equal(cast.driverA.driver.id);
    });

    it('when the order has an open offer, then the offer is closed and that driver freed', async () => {
      const offer = await offerOrder(deps, orderId, cast.driverB.driver.id);
      const res = await assign(cast.admin.token, { driver_id: cast.driverA.driver.id });
      expect(res.status).to.equal(200);
      const row = await deps.db.knex('offers').where('id', offer.id).first();
      expect(row.status).to.equal('cancelled');
      expect(await driverStatus(cast.driverB.driver.id)).to.equal('online_idle');
    });

    it('when staff assign the very driver holding the offer, then it succeeds', async () => {
      await offerOrder(deps, orderId, cast.driverB.driver.id);
      const res = await assign(cast.dispatcher.token, { driver_id: cast.driverB.driver.id });
      expect(res.status).to.equal(200);
      expect(await driverStatus(cast.driverB.driver.id)).to.equal('enroute_to_pickup');
    });

    it('when the order awaits the dispatcher (manual review), then it can be assigned', async () => {
      const { deps: manual, app: manualApp } = await openTestApp({ DISPATCH_REVIEW: 'manual' });
      try {
        const order = await bookOrder(manualApp, cast.passengerB.token);
        expect(order.status).to.equal('awaiting_dispatcher_decision');
        const res = await manualApp.request('POST', `/api/dispatch/assign/${order.id}/`, {
          token: cast.dispatcher.token,
          body: { driver_id: cast.driverA.driver.id },
        });
        expect(res.status).to.equal(200);
        expect(res.body.order.status).to.equal('assigned');
      } finally {
        await closeTestApp(manual, manualApp);
      }
    });

    const refusals: [string, Record<string, unknown>, Record<string, unknown>, string][] = [
      ['offline', { is_online: false }, {}, 'driver_offline'],
      ['paused', { status: 'paused' }, {}, 'driver_busy'],
      [
        'too small for a companion',
        { capacity: 1 },
        { has_companion: true },
        'insufficient_capacity',
      ],
      [
        'not accessible for a wheelchair',
        { wheelchair_accessible: false },
        { needs_wheelchair_access: true },
        'not_wheelchair_accessible',
      ],
    ];
    for (const [name, driverOverrides, orderOverrides, reason] of refusals) {
      it(`when the driver is ${name}, then 409 driver_unavailable with reason ${reason}`, async () => {
        const order = await bookOrder(app, cast.passengerA.token, orderOverrides);
        const driver = await createDriver(deps, cast.region.id, driverOverrides);
        const res = await assign(cast.dispatcher.token, { driver_id: driver.driver.id }, order.id);
        expect(res.status).to.equal(409);
        expect(res.body).to.include({ code: 'driver_unavailable', reason });
        const row = await deps.db.knex('orders').where('id', order.id).first();
        expect(row).to.include({ status: 'matching', driver_id: null });
      });
    }

    it('when the driver is deactivated, then 409 driver_inactive', async () => {
      const { actor: admin } = await fixtureAdmin(deps);
      await deactivateDriver(deps, admin, { id: cast.driverA.driver.id });
      const res = await assign(cast.dispatcher.token, { driver_id: cast.driverA.driver.id });
      expect(res.status).to.equal(409);
      expect(res.body.reason).to.equal('driver_inactive');
    });

    it('when the driver already holds another order, then 409 driver_busy', async () => {
      await assignOrder(app, cast.dispatcher.token, orderId, cast.driverA.driver.id);
      const second = await bookOrder(app, cast.passengerB.token);
      const res = await assign(
        cast.dispatcher.token,
        { driver_id: cast.driverA.driver.id },
        second.id,
      );
      expect(res.status).to.equal(409);
      expect(res.body.reason).to.equal('driver_busy');
    });

    it('when an accessible, big enough driver is chosen for a wheelchair trip with a companion, then 200', async () => {
      const order = await bookOrder(app, cast.passengerA.token, {
        has_companion: true,
        needs_wheelchair_access: true,
      });
      const van = await createDriver(deps, cast.region.id, {
        capacity: 2,
        wheelchair_accessible: true,
      });
      const res = await assign(cast.dispatcher.token, { driver_id: van.driver.id }, order.id);
      expect(res.status).to.equal(200);
    });

    it('when two dispatchers assign one driver to two orders at once, then exactly one wins', async () => {
      const other = await bookOrder(app, cast.passengerB.token);
      const body = { driver_id: cast.driverA.driver.id };
      const [a, b] = await Promise.all([
        assign(cast.dispatcher.token, body, orderId),
        assign(cast.admin.token, body, other.id),
      ]);
      expect([a.status, b.status].sort()).to.deep.equal([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.body).to.include({ code: 'driver_unavailable', reason: 'driver_busy' });
      const held = await deps.db
        .knex('orders')
        .where({ driver_id: cast.driverA.driver.id, status: 'assigned' });
      expect(held).to.have.length(1);
    });

    it('when the order has finished or is unknown, then 409 or 404', async () => {
      await app.request('PATCH', `/api/orders/${orderId}/status/`, {
        token: cast.passengerA.token,
        body: { status: 'cancelled' },
      });
      const done = await assign(cast.dispatcher.token, { driver_id: cast.driverA.driver.id });
      expect(done.status).to.equal(409);
      expect(done.body).to.include({ code: 'invalid_transition', current_status: 'cancelled' });
      const unknown = await assign(
        cast.dispatcher.token,
        { driver_id: cast.driverA.driver.id },
        'order_01ARZ3NDEKTSV4RRFFQ69G5FAV',
      );
      expect(unknown.status).to.equal(404);
    });

    it('when the driver id is unknown or not an integer, then 400 naming driver_id', async () => {
      for (const driver_id of [999_999, 'one', '1.5', ' 1', '', 1.5, -1, true]) {
        const res = await assign(cast.dispatcher.token, { driver_id });
        expect(res.status, String(driver_id)).to.equal(400);
        expect(res.body.fields).to.have.property('driver_id');
      }
    });

    it('when a passenger, a driver or nobody asks, then 403, 403, 401', async () => {
      const body = { driver_id: cast.driverA.driver.id };
      expect((await assign(cast.passengerA.token, body)).status).to.equal(403);
      expect((await assign(cast.driverA.token, body)).status).to.equal(403);
      expect((await assign(undefined, body)).status).to.equal(401);
    });
  });

  describe('without a driver (engine run now)', () => {
    it('when nobody can take the order, then 202 with status matching', async () => {
      await takeFreeDriversOffline(deps);
      const res = await assign(cast.dispatcher.token, {});
      expect(res.status).to.equal(202);
      expect(res.body).to.include({ success: false, status: 'matching' });
      expect(res.body.order.id).to.equal(orderId);
    });

    it('when the order is already cancelled, then 409', async () => {
      await app.request('PATCH', `/api/orders/${orderId}/status/`, {
        token: cast.passengerA.token,
        body: { status: 'cancelled' },
      });
      expect((await assign(cast.dispatcher.token, {})).status).to.equal(409);
    });
  });

  describe('withdrawal', () => {
    const withdraw = (token: string | undefined, body: unknown, id = orderId) =>
      app.request('POST', `/api/orders/${id}/withdraw/`, { token, body });

    beforeEach(async () => {
      await assignOrder(app, cast.dispatcher.token, orderId, cast.driverA.driver.id);
    });

    it('when the assigned driver withdraws, then the order is matching again, the driver freed and excluded', async () => {
      const res = await withdraw(cast.driverA.token, { reason: 'flat tyre' });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ status: 'matching', driver: null });
      expect(await driverStatus(cast.driverA.driver.id)).to.equal('online_idle');
      const excluded = await deps.db.knex('order_excluded_drivers').where('order_id', orderId);
      expect(excluded.map((e) => [e.driver_id, e.reason])).to.deep.equal([
        [cast.driverA.driver.id, 'withdrew'],
      ]);
      const jobs = await deps.db
        .knex('outbox_messages')
        .where('topic', 'dispatch.match-order')
        .pluck('job_id');
      expect(jobs).to.include(`match-${orderId}-v${res.body.version}`);
      const event = await deps.db
        .knex('order_events')
        .where({ order_id: orderId })
        .orderBy('id', 'desc')
        .first();
      expect(event).to.include({
        from_status: 'assigned',
        to_status: 'matching',
        actor_role: 'driver',
        reason: 'flat tyre',
      });
      // The driver no longer sees the order.
      const read = await app.request('GET', `/api/orders/${orderId}/`, {
        token: cast.driverA.token,
      });
      expect(read.status).to.equal(404);
    });

    it('when the driver is on the way, then withdrawing is still allowed', async () => {
      await app.request('PATCH', `/api/orders/${orderId}/status/`, {
        token: cast.driverA.token,
        body: { status: 'driver_en_route' },
      });
      expect((await withdraw(cast.driverA.token, { reason: 'traffic' })).status).to.equal(200);
    });

    it('when the ride has started, then 409', async () => {
      for (const status of ['driver_en_route', 'arrived_waiting', 'ride_ongoing']) {
        const moved = await app.request('PATCH', `/api/orders/${orderId}/status/`, {
          token: cast.driverA.token,
          body: { status },
        });
        expect(moved.status, status).to.equal(200);
      }
      const res = await withdraw(cast.driverA.token, { reason: 'late' });
      expect(res.status).to.equal(409);
      expect(res.body).to.include({ current_status: 'ride_ongoing', requested_status: 'matching' });
    });

    it('when another driver withdraws, then 404; a passenger or staff, then 403', async () => {
      expect((await withdraw(cast.driverB.token, { reason: 'x' })).status).to.equal(404);
      expect((await withdraw(cast.passengerA.token, { reason: 'x' })).status).to.equal(403);
      expect((await withdraw(cast.dispatcher.token, { reason: 'x' })).status).to.equal(403);
      expect((await withdraw(undefined, { reason: 'x' })).status).to.equal(401);
    });

    it('when the reason is missing or blank, then 400 naming reason', async () => {
      for (const body of [{}, { reason: '  ' }, { reason: 5 }]) {
        const res = await withdraw(cast.driverA.token, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.fields).to.have.property('reason');
      }
    });
  });
});
