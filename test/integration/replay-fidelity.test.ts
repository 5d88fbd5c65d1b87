/**
 * Fidelity of the replay: one small scenario run by the simulator (policy `ranked`) and
 * through the real processes — `bin/web.ts` and one `bin/worker.ts`, bookings through
 * POST /api/orders/ one at a time, scripted drivers answering through the offer endpoints —
 * must give the same offers in the same order and the same assignments and give-ups.
 *
 * The scenario exercises what the ranking and the offer cycle decide: two home regions,
 * accessible vehicles and wheelchair requests, trips today growing as drivers serve, declines,
 * unanswered offers that expire, and orders nobody takes (give-up to a dispatcher).
 */
import { expect } from 'chai';
import type { UserActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import { changeOrderStatus } from '../../lib/orders/change-order-status.js';
import type { LocatableRegion } from '../../lib/regions/locate-region.js';
import { createPrng } from '../../db/seeds/atyrau-demo.js';
import { regionLocator } from '../../lib/simulation/regions.js';
import { dispatchConfig } from '../../lib/simulation/replay.js';
import type { SimRequest } from '../../lib/simulation/sim-model.js';
import { simulate } from '../../lib/simulation/simulator.js';
import {
  createDriver,
  createPassenger,
  createRegion,
  createUser,
  tokenFor,
} from '../helpers/factories.js';
import { pollUntil } from '../helpers/poll-until.js';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-processes.js';

const dispatchEnv = {
  DISPATCH_OFFER_TIMEOUT_SECONDS: '2',
  DISPATCH_RETRY_BACKOFF_MS: '400',
  DISPATCH_GIVE_UP_SECONDS: '3',
  DISPATCH_POLICY: 'ranked',
};
const env = {
  ...dispatchEnv,
  POSITION_FRESH_SECONDS: '86400',
  RATE_LIMIT_USER_WRITES_PER_MINUTE: '0',
  RATE_LIMIT_IP_WRITES_PER_MINUTE: '0',
  DATABASE_POOL_MAX: '4',
};

const box = (id: string, south: number, north: number): LocatableRegion => ({
  id,
  center_lat: (south + north) / 2,
  center_lon: 51.92,
  polygon_coordinates: [
    [south, 51.85],
    [south, 51.99],
    [north, 51.99],
    [north, 51.85],
  ],
  service_radius_meters: null,
});
const regions = [box('fid_north', 47.11, 47.16), box('fid_south', 47.06, 47.11)];

/** Decline, ignore or accept, by a fixed rule over the request and the driver. */
const script = (requestId: number, driverId: number) => {
  const h = (requestId * 7 + driverId * 3) % 10;
  return h < 2 ? 'decline' : h < 3 ? 'ignore' : 'accept';
};

type Settled = { offered: number[]; driverId: number | null };

describe('replay fidelity: the simulator and the real processes agree', function () {
  this.timeout(300_000);
  let deps: AppDeps;
  let web: ServiceProcess | undefined;
  let worker: WorkerProcess | undefined;

  before(async () => {
    deps = createTestDeps(env);
    await resetState(deps);
  });
  after(async () => {
    await worker?.kill('SIGKILL');
    web?.child.kill('SIGKILL');
    await closeDeps(deps);
  });

  it('gives the same offers, assignments and give-ups for the ranked policy', async () => {
    const seed = Date.now() % 100_000;
    const random = createPrng(seed);
    const point = () => ({ lat: 47.08 + random() * 0.06, lon: 51.87 + random() * 0.1 });
    const regionOf = regionLocator(regions);
    for (const r of regions) await createRegion(deps, r);

    const fleet = Array.from({ length: 8 }, (_, i) => ({
      start: point(),
      wheelchairAccessible: i % 4 === 0,
      capacity: 4,
    }));
    const driverTokens = new Map<number, string>();
    const drivers = [];
    for (const spec of fleet) {
      const regionId = regionOf(spec.start);
      const { user, driver } = await createDriver(deps, regionId, {
        wheelchair_accessible: spec.wheelchairAccessible,
        current_lat: spec.start.lat,
        current_lon: spec.start.lon,
      });
      await deps.positionIndex.upsert({
        driverId: driver.id,
        ...spec.start,
        recordedAt: deps.clock.now(),
      });
      driverTokens.set(driver.id, await tokenFor(deps, user));
      drivers.push({ ...spec, id: driver.id, regionId });
    }
    const { user: passengerUser } = await createPassenger(deps, 'fid_south');
    const passengerToken = await tokenFor(deps, passengerUser);
    const staff = await createUser(deps, 'dispatcher');
    const dispatcher: UserActor = {
      kind: 'user',
      userId: staff.id,
      role: 'dispatcher',
      sessionId: 'fidelity',
      passengerId: null,
      driverId: null,
    };

    const trips = Array.from({ length: 14 }, (_, i) => ({
      id: i + 1,
      pickup: point(),
      dropoff: point(),
      needsWheelchair: i % 5 === 2,
    }));

    // The simulator: one request an hour, so each settles before the next, as below.
    const requests: SimRequest[] = trips.map((t) => ({
      trip: {
        id: t.id,
        requestedAtMs: t.id * 3_600_000,
        pickup: t.pickup,
        dropoff: t.dropoff,
        tripSeconds: 60,
        needsWheelchair: t.needsWheelchair,
        seats: 1,
        vehicleKey: null,
      },
      needsWheelchair: t.needsWheelchair,
      seats: 1,
      regionId: regionOf(t.pickup),
      bookedAtMs: t.id * 3_600_000,
      desiredPickupMs: null,
    }));
    const simulated = simulate(requests, drivers, {
      dispatch: dispatchConfig(dispatchEnv),
      policy: 'ranked',
      speedKmh: 30,
      detour: 1.3,
      behaviour: { acceptProbability: 0, declineProbability: 0, responseSeconds: 0.2, script },
      seed,
    });
    const expected: Settled[] = simulated.orders.map((o) => ({
      offered: o.offeredDriverIds,
      driverId: o.driverId,
    }));

    // The real processes.
    web = await startServiceProcess('bin/web.ts', 'web listening', { ...env, PORT: '0' });
    worker = await startWorkerProcess(env);
    const base = `http://127.0.0.1:${web.port}`;
    const post = async (path: string, token: string, body: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const actual: Settled[] = [];
    for (const t of trips) {
      const created = await post('/api/orders/', passengerToken, {
        pickup_title: 'Home',
        dropoff_title: 'Clinic',
        pickup_lat: t.pickup.lat,
        pickup_lon: t.pickup.lon,
        dropoff_lat: t.dropoff.lat,
        dropoff_lon: t.dropoff.lon,
        needs_wheelchair_access: t.needsWheelchair,
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const orderId = created.body.id as string;
      const offered: number[] = [];
      const answered = new Set<number>();
      let status = '';
      await pollUntil(async () => {
        const offers = await deps.db
          .knex('offers')
          .where({ order_id: orderId })
          .orderBy('id')
          .select<{ id: number; driver_id: number; status: string }[]>('id', 'driver_id', 'status');
        for (const offer of offers) {
          if (answered.has(offer.id)) continue;
          answered.add(offer.id);
          offered.push(offer.driver_id);
          const answer = script(t.id, offer.driver_id);
          if (answer === 'ignore') continue;
          const token = driverTokens.get(offer.driver_id)!;
          const r = await post(`/api/dispatch/offers/${offer.id}/${answer}/`, token, {});
          expect(r.status, JSON.stringify(r.body)).to.equal(200);
        }
        const order = (await deps.db.knex('orders').where({ id: orderId }).first()) as {
          status: string;
        };
        status = order.status;
        return status === 'assigned' || status === 'awaiting_dispatcher_decision';
      }, 60_000);
      const order = (await deps.db.knex('orders').where({ id: orderId }).first()) as {
        driver_id: number | null;
      };
      actual.push({ offered, driverId: status === 'assigned' ? order.driver_id : null });
      if (status === 'assigned' && order.driver_id !== null) {
        // The trip happens; the driver is free again at the drop-off, as in the simulator.
        for (const to of [
          'driver_en_route',
          'arrived_waiting',
          'ride_ongoing',
          'completed',
        ] as const) {
          await changeOrderStatus(deps, dispatcher, { orderId, to });
        }
        await deps.positionIndex.upsert({
          driverId: order.driver_id,
          ...t.dropoff,
          recordedAt: deps.clock.now(),
        });
      }
    }
    expect(actual, `seed ${seed}`).to.deep.equal(expected);
    // The scenario is worth its time only if it has declines, expiries, several drivers
    // and at least one give-up or wheelchair assignment.
    expect(
      expected.some((e) => e.offered.length > 1),
      `seed ${seed}`,
    ).to.equal(true);
    expect(new Set(expected.map((e) => e.driverId)).size, `seed ${seed}`).to.be.greaterThan(2);
  });
});
