/**
 * The whole system, end to end, with real processes: the web API, two dispatch workers and a
 * realtime node, each spawned from its bin script on the test database and Redis prefix.
 * Everything after the setup is done from the outside, as the apps do it: OTP login,
 * sockets, REST calls. Only the people (a region, a passenger, drivers) and one earlier trip
 * are made in-process, through the use cases, because creating them is the back office's and
 * the dispatcher's job, not this story's.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { setDriverOnline } from '../../lib/drivers/set-driver-online.js';
import { findOrderById } from '../../db/repositories/order.repository.js';
import { assignAndAdvance, createOrderIn, pickup } from '../helpers/dispatch-fixtures.js';
import { untilEmitted } from '../helpers/fanout-marker.js';
import { createDriver, createPassenger, createRegion } from '../helpers/factories.js';
import {
  apiClient,
  connectRecording,
  loginByOtp,
  waitFor,
  type ApiClient,
  type RecordingSocket,
} from '../helpers/ride-client.js';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-processes.js';

/** Each story has its own people and its own place, 30 km apart: beyond any pickup reach. */
const stories = {
  ride: {
    center: pickup,
    passengerPhone: '+77777777777',
    driverPhones: ['+77010000011', '+77010000012', '+77010000013'],
  },
  declines: {
    center: { lat: pickup.lat + 0.27, lon: pickup.lon },
    passengerPhone: '+77010000020',
    driverPhones: ['+77010000021', '+77010000022', '+77010000023'],
  },
} as const;
type Story = (typeof stories)[keyof typeof stories];
const allPhones = Object.values(stories).flatMap((s) => [s.passengerPhone, ...s.driverPhones]);
const codeOf = (phone: string) => phone.slice(-6);

/** The settings every process shares: OTP test numbers for everyone, quick retries. */
const processEnv: NodeJS.ProcessEnv = {
  OTP_TEST_NUMBERS: allPhones.map((p) => `${p}:${codeOf(p)}`).join(','),
  HOST: '127.0.0.1',
  // Four processes beside other suites: a small pool each keeps PostgreSQL's slots free.
  DATABASE_POOL_MAX: '3',
  DISPATCH_OFFER_TIMEOUT_SECONDS: '15',
  DISPATCH_RETRY_BACKOFF_MS: '200',
  // Every position report reaches the passenger, so the test can count them.
  REALTIME_LOCATION_THROTTLE_MS: '0',
};
/** A loaded CI machine may take a while to start four tsx processes at once. */
const startTimeoutMs = 60_000;

/** About `m` metres north of `from`. */
const metresNorth = (from: { lat: number; lon: number }, m: number) => ({
  lat: Number((from.lat + m / 111_200).toFixed(6)),
  lon: from.lon,
});
const dropoffOf = (center: { lat: number; lon: number }) => ({
  lat: center.lat + 0.02,
  lon: center.lon + 0.03,
});

interface DriverApp {
  id: number;
  token: string;
  socket: RecordingSocket;
}

for (const policy of ['ranked', 'batch'] as const) {
  describe(`end to end: a ride through real processes (DISPATCH_POLICY=${policy})`, function () {
    this.timeout(120_000);
    const env: NodeJS.ProcessEnv = {
      ...processEnv,
      DISPATCH_POLICY: policy,
      // Batch: a round every second, so the stories wait about as long as with ranked.
      DISPATCH_BATCH_WINDOW_MS: '1000',
      // The ride story's batch arithmetic, pinned rather than the tuned defaults (1,200 m per
      // trip, 2,500 m reserve, with which the farthest would win as with ranked): so a round's
      // choice differs from the ranked engine's, and an offer by the wrong path shows.
      DISPATCH_COST_FAIRNESS_M_PER_TRIP: '300',
      DISPATCH_COST_ACCESSIBLE_RESERVE_M: '1500',
    };
    let deps: AppDeps;
    let web: ServiceProcess;
    let realtime: ServiceProcess;
    let realtimeUrl: string;
    let workers: WorkerProcess[] = [];
    let api: ApiClient;
    const sockets: RecordingSocket[] = [];

    /** Every process that started, even when another failed to, so none outlives the suite. */
    const stops: (() => Promise<void>)[] = [];
    const service = async (script: string, ready: string, serviceEnv: NodeJS.ProcessEnv) => {
      const started = await startServiceProcess(
        script,
        ready,
        { ...env, ...serviceEnv },
        startTimeoutMs,
      );
      stops.push(async () => {
        started.child.kill('SIGTERM');
        await started.exited;
      });
      return started;
    };
    const worker = async () => {
      const started = await startWorkerProcess(env, startTimeoutMs);
      stops.push(() => started.kill());
      return started;
    };

    // The processes run for the whole suite, as in production; resetting Redis and the tables
    // under running workers is not a story anyone lives, so the stories keep apart by place
    // and people instead (see `stories`).
    before(async () => {
      deps = createTestDeps({ DATABASE_POOL_MAX: '3' });
      await resetState(deps);
      [web, realtime, workers] = await Promise.all([
        service('bin/web.ts', 'web listening', { PORT: '0' }),
        service('bin/realtime.ts', 'realtime listening', { REALTIME_PORT: '0' }),
        Promise.all([worker(), worker()]),
      ]);
      api = apiClient(`http://127.0.0.1:${web.port}`);
      realtimeUrl = `http://127.0.0.1:${realtime.port}`;
    });

    after(async () => {
      await Promise.all(stops.splice(0).map((stop) => stop()));
      await closeDeps(deps);
    });

    afterEach(function () {
      for (const s of sockets.splice(0)) s.socket.disconnect();
      // A failed story shows what the processes said about it.
      if (this.currentTest?.state === 'failed') {
        const warnings = (lines: string[]) => lines.filter((l) => /"level":(40|50|60)/.test(l));
        console.log(
          [
            ...warnings(web.lines),
            ...warnings(realtime.lines),
            ...workers.flatMap((w) => warnings(w.output().split('\n'))),
          ].join('\n'),
        );
      }
    });

    /** The story's region, its passenger (ambulatory) and its three drivers, offline for now. */
    async function cast(story: Story, accessibleFirst = false) {
      const region = await createRegion(deps, {
        center_lat: story.center.lat,
        center_lon: story.center.lon,
      });
      const passenger = await createPassenger(deps, region.id, {
        phone: story.passengerPhone,
        mobility_aid: 'none',
      });
      const offline = {
        is_online: false,
        current_lat: null,
        current_lon: null,
        last_location_update: null,
      };
      const drivers = await Promise.all(
        story.driverPhones.map((phone, i) =>
          createDriver(deps, region.id, {
            ...offline,
            phone,
            wheelchair_accessible: accessibleFirst && i === 0,
          }),
        ),
      );
      return { passenger, drivers, driverIds: drivers.map((d) => d.driver.id) };
    }

    /**
     * A trip today, done before the story starts: the offline driver goes online without a
     * position (so no search finds them), the dispatcher assigns them the passenger's booking
     * and staff drive it to completed. The driver stays online for their shift.
     * Its last version is out on the fan-out channel before anyone of the story connects.
     */
    async function earlierTrip(
      passenger: Parameters<typeof createOrderIn>[1],
      driver: Awaited<ReturnType<typeof cast>>['drivers'][number],
    ) {
      await setDriverOnline(deps, driver.actor, { driverId: driver.driver.id, isOnline: true });
      const orderId = await createOrderIn(deps, passenger);
      await assignAndAdvance(deps, orderId, driver.driver.id, [
        'driver_en_route',
        'arrived_waiting',
        'ride_ongoing',
        'completed',
      ]);
      const done = await findOrderById(deps.db.knex, orderId);
      await untilEmitted(deps, orderId, done!.version);
    }

    /** A driver as the app starts a shift: logs in, connects, goes online, reports a position. */
    async function startShift(phone: string, at: { lat: number; lon: number }): Promise<DriverApp> {
      const login = await loginByOtp(api, phone, codeOf(phone));
      expect(login.role).to.equal('driver');
      const socket = await connectRecording(realtimeUrl, login.access);
      sockets.push(socket);
      const driver = { id: login.driver_id!, token: login.access, socket };
      const online = await api.call(
        'PATCH',
        `/api/drivers/${driver.id}/online-status/`,
        { is_online: true },
        driver.token,
      );
      expect(online.status, JSON.stringify(online.body)).to.equal(200);
      await report(driver, at);
      return driver;
    }

    async function report(driver: DriverApp, at: { lat: number; lon: number }) {
      const res = await api.call('PATCH', `/api/drivers/${driver.id}/location/`, at, driver.token);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.current_position).to.deep.equal(at);
    }

    async function setStatus(driver: DriverApp, orderId: string, status: string) {
      const res = await api.call(
        'PATCH',
        `/api/orders/${orderId}/status/`,
        { status },
        driver.token,
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.status).to.equal(status);
    }

    /** The passenger's app: OTP login, a socket, an order at the story's centre, subscribed. */
    async function passengerOrders(story: Story) {
      const login = await loginByOtp(api, story.passengerPhone, codeOf(story.passengerPhone));
      expect(login.passenger_id).to.be.a('number');
      const socket = await connectRecording(realtimeUrl, login.access);
      sockets.push(socket);
      const dropoff = dropoffOf(story.center);
      const created = await api.call(
        'POST',
        '/api/orders/',
        {
          pickup_title: 'Home, Satpaev 12',
          dropoff_title: 'Regional hospital',
          pickup_lat: story.center.lat,
          pickup_lon: story.center.lon,
          dropoff_lat: dropoff.lat,
          dropoff_lon: dropoff.lon,
        },
        login.access,
      );
      const createdAt = Date.now();
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const orderId = created.body.id as string;
      const ack = await socket.socket.timeout(5000).emitWithAck('subscribe', { order_id: orderId });
      expect(ack.ok, JSON.stringify(ack)).to.equal(true);
      return { token: login.access, socket, orderId, createdAt };
    }

    const offersOf = (driver: DriverApp, orderId: string) =>
      driver.socket.of('new_offer').filter((o) => o.order_id === orderId);
    const arrivalOf = (socket: RecordingSocket, event: string, match: (p: any) => boolean) =>
      socket.received.find((r) => r.event === event && match(r.payload))?.at;

    it("when a passenger orders a ride, then the engine's choice gets it, drives it, and the passenger sees every step once, in order", async () => {
      const story = stories.ride;
      // The nearest is an accessible van, kept for wheelchair users; the next drove a trip
      // today; the farthest drove none. Ranked: the farthest is within the 2 km fairness margin,
      // so it goes first. Batch (a round offers it, weights pinned in `env`): costs van 300 +
      // 1,500 reserve = 1,800 m, the next 600 + 300 for its trip = 900 m, the farthest
      // 1,200 m: the next wins.
      const { passenger, drivers, driverIds } = await cast(story, true);
      await earlierTrip(passenger.passenger, drivers[1]!);
      const dropoff = dropoffOf(story.center);
      const [van, busy, fair] = await Promise.all([
        startShift(story.driverPhones[0], metresNorth(story.center, 300)),
        startShift(story.driverPhones[1], metresNorth(story.center, 600)),
        startShift(story.driverPhones[2], metresNorth(story.center, 1200)),
      ]);
      expect([van.id, busy.id, fair.id]).to.deep.equal(driverIds);
      const chosen = policy === 'ranked' ? fair : busy;
      const others = [van, busy, fair].filter((d) => d !== chosen);

      const passengerApp = await passengerOrders(story);
      const { orderId, createdAt } = passengerApp;
      await waitFor(
        () => offersOf(chosen, orderId).length === 1,
        "the offer to the engine's choice",
      );
      const offer = offersOf(chosen, orderId)[0];
      expect(offer).to.include({ order_id: orderId, driver_id: chosen.id, status: 'pending' });
      const pending = await api.call('GET', '/api/drivers/me/offers/', undefined, chosen.token);
      expect(pending.body.results.map((o: { id: number }) => o.id)).to.deep.equal([offer.id]);

      const accepted = await api.call(
        'POST',
        `/api/dispatch/offers/${offer.id}/accept/`,
        {},
        chosen.token,
      );
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
      expect(accepted.body.order.status).to.equal('assigned');
      expect(accepted.body.order.driver.id).to.equal(chosen.id);
      const passengerSocket = passengerApp.socket;
      await waitFor(() => passengerSocket.of('driver_assigned').length > 0, 'driver_assigned');
      expect(passengerSocket.of('driver_assigned')[0].driver.id).to.equal(chosen.id);

      // On the way: every position report shows on the passenger's map.
      await setStatus(chosen, orderId, 'driver_en_route');
      const route = [800, 400, 30].map((m) => metresNorth(story.center, m));
      for (const point of route) await report(chosen, point);
      await waitFor(
        () => passengerSocket.of('driver_location').length >= route.length,
        () =>
          `a driver_location per report; got ${JSON.stringify(passengerSocket.of('driver_location'))}`,
      );
      expect(
        passengerSocket.of('driver_location').map((l) => ({ lat: l.lat, lon: l.lon })),
      ).to.deep.equal(route);

      // 30 m from the pickup: inside the 80 m geofence.
      await setStatus(chosen, orderId, 'arrived_waiting');
      await setStatus(chosen, orderId, 'ride_ongoing');
      await report(chosen, { lat: story.center.lat + 0.01, lon: story.center.lon + 0.015 });
      await report(chosen, dropoff);
      await setStatus(chosen, orderId, 'completed');

      const history = await api.call(
        'GET',
        `/api/orders/${orderId}/events/`,
        undefined,
        passengerApp.token,
      );
      expect(history.status).to.equal(200);
      const events = history.body.results as {
        version: number;
        from_status: string | null;
        to_status: string;
      }[];
      expect(events.map((e) => e.to_status)).to.deep.equal([
        'submitted',
        'matching',
        'offered',
        'assigned',
        'driver_en_route',
        'arrived_waiting',
        'ride_ongoing',
        'completed',
      ]);
      events.forEach((e, i) => {
        expect(e.version).to.equal(i + 1);
        expect(e.from_status).to.equal(i === 0 ? null : events[i - 1]!.to_status);
      });

      // The passenger saw each change exactly once, in version order: the whole story.
      await waitFor(
        () => passengerSocket.of('order_status_changed').some((c) => c.status === 'completed'),
        'completed on the passenger socket',
      );
      const seen = passengerSocket.of('order_status_changed');
      expect(seen.map((c) => [c.order_id, c.version, c.status])).to.deep.equal(
        events.map((e) => [orderId, e.version, e.to_status]),
      );
      expect(passengerSocket.of('driver_assigned')).to.have.length(1);
      expect(passengerSocket.of('driver_arrived')).to.have.length(1);
      expect(passengerSocket.of('driver_location')).to.have.length(route.length + 2);

      // Nobody else was ever offered it, and the driver is free again.
      for (const other of others) expect(offersOf(other, orderId)).to.have.length(0);
      const me = await api.call('GET', '/api/drivers/me/', undefined, chosen.token);
      expect(me.body).to.include({ status: 'online_idle', is_online: true });

      const statusAt = (status: string) =>
        arrivalOf(passengerSocket, 'order_status_changed', (c) => c.status === status)! - createdAt;
      const offerAt =
        arrivalOf(chosen.socket, 'new_offer', (o) => o.order_id === orderId)! - createdAt;
      console.log(
        `      e2e timings (${policy}) after the 201: driver's new_offer ${offerAt} ms, passenger's offered ${statusAt('offered')} ms, assigned ${statusAt('assigned')} ms (accepted at once)`,
      );
    });

    it('when drivers decline, then the next candidate is offered the order and a decliner never again', async () => {
      const story = stories.declines;
      const { driverIds } = await cast(story);
      const [near, middle, far] = await Promise.all([
        startShift(story.driverPhones[0], metresNorth(story.center, 300)),
        startShift(story.driverPhones[1], metresNorth(story.center, 700)),
        startShift(story.driverPhones[2], metresNorth(story.center, 1100)),
      ]);
      expect([near.id, middle.id, far.id]).to.deep.equal(driverIds);
      const { orderId, socket: passengerSocket } = await passengerOrders(story);

      for (const driver of [near, middle]) {
        await waitFor(() => offersOf(driver, orderId).length === 1, `an offer to ${driver.id}`);
        const res = await api.call(
          'POST',
          `/api/dispatch/offers/${offersOf(driver, orderId)[0].id}/decline/`,
          { reason: 'flat tyre' },
          driver.token,
        );
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
      }
      await waitFor(() => offersOf(far, orderId).length === 1, 'the offer to the third driver');
      const accepted = await api.call(
        'POST',
        `/api/dispatch/offers/${offersOf(far, orderId)[0].id}/accept/`,
        {},
        far.token,
      );
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);

      await waitFor(() => passengerSocket.of('driver_assigned').length === 1, 'driver_assigned');
      expect(passengerSocket.of('driver_assigned')[0].driver.id).to.equal(far.id);
      // Two declines, two rounds of matching: the passenger followed each change once.
      expect(passengerSocket.of('order_status_changed').map((c) => c.status)).to.deep.equal([
        'submitted',
        'matching',
        'offered',
        'matching',
        'offered',
        'matching',
        'offered',
        'assigned',
      ]);
      // Each decliner was offered it exactly once, holds nothing now, and is free.
      for (const driver of [near, middle]) {
        expect(offersOf(driver, orderId)).to.have.length(1);
        const pending = await api.call('GET', '/api/drivers/me/offers/', undefined, driver.token);
        expect(pending.body.count).to.equal(0);
        const me = await api.call('GET', '/api/drivers/me/', undefined, driver.token);
        expect(me.body.status).to.equal('online_idle');
      }
      const offers = await deps.db.knex('offers').where('order_id', orderId).orderBy('id');
      expect(
        offers.map((o: { driver_id: number; status: string }) => [o.driver_id, o.status]),
      ).to.deep.equal([
        [near.id, 'declined'],
        [middle.id, 'declined'],
        [far.id, 'accepted'],
      ]);
    });
  });
}
