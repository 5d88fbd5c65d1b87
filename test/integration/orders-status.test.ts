import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import type { Clock } from '../../lib/clock/clock.js';
import { transitions } from '../../lib/orders/order-status.js';
import {
  assignOrder,
  atyrau,
  bookOrder,
  createCast,
  offerOrder,
  placeDriver,
  type Cast,
} from '../helpers/order-fixtures.js';
import { type TestApp, closeTestApp, openTestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

const start = new Date('2026-11-26T08:00:00.000Z');
const seconds = (n: number) => new Date(start.getTime() + n * 1000);
/** About 50 m and about 500 m north of the pickup (0.00045° and 0.0045° of latitude). */
const near = { lat: atyrau.lat + 0.00045, lon: atyrau.lon };
const far = { lat: atyrau.lat + 0.0045, lon: atyrau.lon };

describe('changing an order’s status', () => {
  let now = start;
  const clock: Clock = { now: () => now };
  let deps: AppDeps;
  let app: TestApp;
  let cast: Cast;
  let orderId: string;

  // Reset once; each test then gets a fresh cast (new passengers and drivers) and order.
  before(async () => {
    ({ deps, app } = await openTestApp({}, clock));
    await resetState(deps);
  });
  after(async () => {
    await closeTestApp(deps, app);
  });
  beforeEach(async () => {
    now = start;
    cast = await createCast(deps);
    orderId = (await bookOrder(app, cast.passengerA.token)).id;
  });

  const patch = (token: string | undefined, body: unknown, id = orderId) =>
    app.request('PATCH', `/api/orders/${id}/status/`, { token, body });
  const driverRow = (id: number) => deps.db.knex('drivers').where('id', id).first();
  const assignToDriverA = () =>
    assignOrder(app, cast.dispatcher.token, orderId, cast.driverA.driver.id);

  describe('passengers', () => {
    it('when a passenger cancels their own order, then 200 with the reason and a realtime row', async () => {
      const res = await patch(cast.passengerA.token, { status: 'cancelled', reason: 'not needed' });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ status: 'cancelled', cancel_reason: 'not needed', version: 3 });
      expect(res.body.cancelled_at).to.equal(start.toISOString());
      const rows = await deps.db
        .knex('outbox_messages')
        .where('topic', 'realtime.order-changed')
        .whereRaw(`payload->>'order_id' = ?`, [orderId])
        .whereRaw(`(payload->>'version')::int = 3`);
      expect(rows).to.have.length(1);
    });

    it('when passenger B tries to cancel A’s order, then 404', async () => {
      expect((await patch(cast.passengerB.token, { status: 'cancelled' })).status).to.equal(404);
    });

    it('when a passenger asks for completed, then 403 and nothing changes', async () => {
      const res = await patch(cast.passengerA.token, { status: 'completed' });
      expect(res.status).to.equal(403);
      expect(res.body.code).to.equal('forbidden');
      const row = await deps.db.knex('orders').where('id', orderId).first();
      expect(row.status).to.equal('matching');
    });

    it('when a passenger cancels after the ride started, then it is refused', async () => {
      await assignToDriverA();
      await placeDriver(deps, cast.driverA, near);
      for (const status of ['driver_en_route', 'arrived_waiting', 'ride_ongoing']) {
        expect((await patch(cast.driverA.token, { status })).status, status).to.equal(200);
      }
      const res = await patch(cast.passengerA.token, { status: 'cancelled' });
      expect(res.status).to.equal(409);
      expect(res.body.current_status).to.equal('ride_ongoing');
    });

    it('when an order is cancelled twice, then the second is 409', async () => {
      await patch(cast.passengerA.token, { status: 'cancelled' });
      const res = await patch(cast.passengerA.token, { status: 'cancelled' });
      expect(res.status).to.equal(409);
      expect(res.body).to.deep.include({
        code: 'invalid_transition',
        current_status: 'cancelled',
        requested_status: 'cancelled',
        valid_transitions: [],
      });
    });
  });

  describe('illegal transitions', () => {
    it('when staff ask for an illegal change, then 409 with current, requested and valid', async () => {
      const res = await patch(cast.dispatcher.token, { status: 'completed' });
      expect(res.status).to.equal(409);
      expect(res.body).to.deep.include({
        code: 'invalid_transition',
        current_status: 'matching',
        requested_status: 'completed',
        valid_transitions: [...transitions.matching],
      });
      expect(res.body.error).to.be.a('string');
    });

    it('when staff ask for assigned or offered by this route, then 400 pointing to dispatch', async () => {
      for (const status of ['assigned', 'offered']) {
        const res = await patch(cast.dispatcher.token, { status });
        expect(res.status, status).to.equal(400);
        expect(res.body.fields).to.have.property('status');
      }
    });

    it('when the body is wrong, then 400 by field', async () => {
      const cases: [unknown, string][] = [
        [{ status: 'flying' }, 'status'],
        [{}, 'status'],
        [{ status: 'cancelled', reason: 42 }, 'reason'],
        [{ status: 'cancelled', driver_id: 1 }, 'driver_id'],
      ];
      for (const [body, field] of cases) {
        const res = await patch(cast.passengerA.token, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.fields).to.have.property(field);
      }
    });

    it('when anonymous, then 401; unknown order, then 404', async () => {
      expect((await patch(undefined, { status: 'cancelled' })).status).to.equal(401);
      const unknown = await patch(
        cast.admin.token,
        { status: 'cancelled' },
        'order_01ARZ3NDEKTSV4RRFFQ69G5FAV',
      );
      expect(unknown.status).to.equal(404);
    });
  });

  describe('the assigned driver', () => {
    beforeEach(async () => {
      await assignToDriverA();
    });

    it('when the driver drives the whole trip, then each step is 200 and the driver is freed at the end', async () => {
      await placeDriver(deps, cast.driverA, near);
      const steps: [string, string][] = [
        ['driver_en_route', 'enroute_to_pickup'],
        ['arrived_waiting', 'enroute_to_pickup'],
        ['ride_ongoing', 'on_trip'],
        ['completed', 'online_idle'],
      ];
      for (const [status, driverStatus] of steps) {
        const res = await patch(cast.driverA.token, { status });
        expect(res.status, status).to.equal(200);
        expect(res.body.status).to.equal(status);
        expect((await driverRow(cast.driverA.driver.id)).status, status).to.equal(driverStatus);
      }
      const events = await deps.db.knex('order_events').where('order_id', orderId).orderBy('id');
      expect(events.map((e) => e.version)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    });

    it('when another driver changes the status, then 404', async () => {
      expect((await patch(cast.driverB.token, { status: 'driver_en_route' })).status).to.equal(404);
    });

    it('when the driver asks to cancel, then 403', async () => {
      expect((await patch(cast.driverA.token, { status: 'cancelled' })).status).to.equal(403);
    });

    it('when the driver is 500 m from the pickup, then arriving is 409 outside_geofence with the distance', async () => {
      await patch(cast.driverA.token, { status: 'driver_en_route' });
      await placeDriver(deps, cast.driverA, far);
      const res = await patch(cast.driverA.token, { status: 'arrived_waiting' });
      expect(res.status).to.equal(409);
      expect(res.body).to.include({ code: 'outside_geofence', reason: 'too_far', geofence_m: 80 });
      expect(res.body.distance_m).to.be.within(480, 520);
      await placeDriver(deps, cast.driverA, near);
      expect((await patch(cast.driverA.token, { status: 'arrived_waiting' })).status).to.equal(200);
    });

    it('when the driver’s last position is stale, then arriving is 409 position_stale', async () => {
      await patch(cast.driverA.token, { status: 'driver_en_route' });
      await placeDriver(deps, cast.driverA, near);
      now = seconds(121);
      const res = await patch(cast.driverA.token, { status: 'arrived_waiting' });
      expect(res.status).to.equal(409);
      expect(res.body.reason).to.equal('position_stale');
    });

    it('when staff mark arrival far from the pickup, then it is allowed (staff override)', async () => {
      await patch(cast.driverA.token, { status: 'driver_en_route' });
      await placeDriver(deps, cast.driverA, far);
      expect((await patch(cast.dispatcher.token, { status: 'arrived_waiting' })).status).to.equal(
        200,
      );
    });

    it('when the driver marks a no-show before the wait is over, then 409; after it, 200 and freed', async () => {
      await placeDriver(deps, cast.driverA, near);
      await patch(cast.driverA.token, { status: 'driver_en_route' });
      await patch(cast.driverA.token, { status: 'arrived_waiting' });
      now = seconds(299);
      const early = await patch(cast.driverA.token, { status: 'no_show' });
      expect(early.status).to.equal(409);
      expect(early.body).to.include({
        code: 'no_show_too_early',
        waited_seconds: 299,
        wait_seconds: 300,
      });
      now = seconds(300);
      const onTime = await patch(cast.driverA.token, { status: 'no_show' });
      expect(onTime.status).to.equal(200);
      expect(onTime.body.status).to.equal('no_show');
      expect((await driverRow(cast.driverA.driver.id)).status).to.equal('online_idle');
    });

    it('when staff cancel an assigned order, then the driver is freed', async () => {
      const res = await patch(cast.dispatcher.token, { status: 'cancelled', reason: 'duplicate' });
      expect(res.status).to.equal(200);
      expect((await driverRow(cast.driverA.driver.id)).status).to.equal('online_idle');
    });
  });

  describe('an order with an open offer', () => {
    it('when the passenger cancels it, then the offer is cancelled and the offered driver freed', async () => {
      const offer = await offerOrder(deps, orderId, cast.driverB.driver.id);
      expect((await driverRow(cast.driverB.driver.id)).status).to.equal('offered');
      const res = await patch(cast.passengerA.token, { status: 'cancelled' });
      expect(res.status).to.equal(200);
      const row = await deps.db.knex('offers').where('id', offer.id).first();
      expect(row.status).to.equal('cancelled');
      expect((await driverRow(cast.driverB.driver.id)).status).to.equal('online_idle');
      const closed = await deps.db
        .knex('outbox_messages')
        .where('topic', 'realtime.offer-changed')
        .whereRaw(`(payload->>'offer_id')::int = ?`, [offer.id]);
      expect(closed.length).to.be.at.least(1);
    });

    it('when staff send it back to matching, then the offer is closed and a new match job owed', async () => {
      const offer = await offerOrder(deps, orderId, cast.driverB.driver.id);
      const res = await patch(cast.dispatcher.token, { status: 'matching', reason: 'retry' });
      expect(res.status).to.equal(200);
      expect((await deps.db.knex('offers').where('id', offer.id).first()).status).to.equal(
        'cancelled',
      );
      expect((await driverRow(cast.driverB.driver.id)).status).to.equal('online_idle');
      const jobs = await deps.db
        .knex('outbox_messages')
        .where('topic', 'dispatch.match-order')
        .pluck('job_id');
      expect(jobs).to.include(`match-${orderId}-v${res.body.version}`);
    });
  });
});
