/**
 * The contract test of the original Invo Taxi apps: their documented calls (paths, bodies,
 * the fields they read; see test/helpers/original-app-contract.ts) replayed against the real
 * system — web, a dispatch worker and two realtime nodes, each spawned from its bin script.
 * An unmodified passenger app logs in, books with a zone-less local time and follows its
 * order live over the plain WebSocket; an unmodified driver app (the later /api/mobile/ one)
 * goes online, gets the offer, accepts it and drives the ride to the end, refreshes its
 * token the way it does (keeping only `access`) and logs out. Any drift fails here.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { createDriver, createPassenger, createRegion } from '../helpers/factories.js';
import {
  driverReads,
  expectAppCanRead,
  knownDifferences,
  laterStatuses,
  mobileOfferReads,
  orderReads,
  socketReads,
  summaryBookingBody,
  summaryStatuses,
  verifyOtpReads,
} from '../helpers/original-app-contract.js';
import { connectPlain, type PlainClient } from '../helpers/plain-ws-client.js';
import { apiClient, waitFor, type ApiClient } from '../helpers/ride-client.js';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { startWorkerProcess } from '../helpers/worker-processes.js';
import { pollFor } from '../helpers/poll-until.js';

const passengerPhone = '+77015552001';
const driverPhone = '+77015552002';
const codeOf = (phone: string) => phone.slice(-6);
/** A centre of its own, far from the other suites' people. */
const center = { lat: 47.1067 - 0.27, lon: 51.9167 };
const dropoff = { lat: center.lat + 0.02, lon: center.lon + 0.03 };
const metresNorth = (m: number) => ({
  lat: Number((center.lat + m / 111_200).toFixed(6)),
  lon: center.lon,
});

const processEnv: NodeJS.ProcessEnv = {
  OTP_TEST_NUMBERS: [passengerPhone, driverPhone].map((p) => `${p}:${codeOf(p)}`).join(','),
  HOST: '127.0.0.1',
  DATABASE_POOL_MAX: '3',
  DISPATCH_OFFER_TIMEOUT_SECONDS: '60',
  DISPATCH_RETRY_BACKOFF_MS: '200',
  REALTIME_LOCATION_THROTTLE_MS: '0',
  // Only the logout announcement may drop a connection during the story.
  REALTIME_SESSION_CHECK_SECONDS: '3600',
};

/** Dart's `DateTime.now().add(…).toIso8601String()` on a phone in Atyrau (UTC+05:00). */
const dartLocalTime = (instant: Date) =>
  new Date(instant.getTime() + 5 * 3600_000).toISOString().slice(0, 23);

describe('contract: the original Invo Taxi apps against the real processes', function () {
  this.timeout(180_000);
  let deps: AppDeps;
  let api: ApiClient;
  let realtimeA: string;
  let realtimeB: string;
  const stops: (() => Promise<void>)[] = [];
  const processes: ServiceProcess[] = [];
  const clients: PlainClient[] = [];

  const service = async (script: string, ready: string, env: NodeJS.ProcessEnv) => {
    const started = await startServiceProcess(script, ready, { ...processEnv, ...env }, 60_000);
    processes.push(started);
    stops.push(async () => {
      started.child.kill('SIGTERM');
      await started.exited;
    });
    return started;
  };

  before(async () => {
    deps = createTestDeps({ DATABASE_POOL_MAX: '3' });
    await resetState(deps);
    const [web, nodeA, nodeB, worker] = await Promise.all([
      service('bin/web.ts', 'web listening', { PORT: '0' }),
      service('bin/realtime.ts', 'realtime listening', { REALTIME_PORT: '0' }),
      service('bin/realtime.ts', 'realtime listening', { REALTIME_PORT: '0' }),
      startWorkerProcess(processEnv, 60_000),
    ]);
    stops.push(() => worker.kill());
    api = apiClient(`http://127.0.0.1:${web.port}`);
    realtimeA = `http://127.0.0.1:${nodeA.port}`;
    realtimeB = `http://127.0.0.1:${nodeB.port}`;
  });

  after(async () => {
    for (const client of clients) client.ws.terminate();
    await Promise.all(stops.splice(0).map((stop) => stop()));
    await closeDeps(deps);
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    const warnings = processes.flatMap((p) => p.lines.filter((l) => /"level":(40|50|60)/.test(l)));
    console.log(warnings.join('\n'));
  });

  async function follow(baseUrl: string, path: string, token: string) {
    const client = connectPlain(baseUrl, path, token);
    clients.push(client);
    await client.opened;
    return client;
  }

  async function call(method: string, path: string, body: unknown, token?: string, status = 200) {
    const res = await api.call(method, path, body, token);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(status);
    return res.body;
  }

  it('when an unmodified passenger app books and an unmodified driver app takes the ride, then every documented call and message works as the apps read it', async () => {
    const region = await createRegion(deps, { center_lat: center.lat, center_lon: center.lon });
    await createPassenger(deps, region.id, { phone: passengerPhone, mobility_aid: 'none' });
    await createDriver(deps, region.id, {
      phone: driverPhone,
      is_online: false,
      current_lat: null,
      current_lon: null,
      last_location_update: null,
    });

    // ── The driver app (later, /api/mobile/) starts its shift ──
    const sent = await call('POST', '/api/mobile/auth/phone-login/', { phone: '+7 701 555 20 02' });
    expectAppCanRead('phone-login', sent, {
      message: 'string',
      expires_at: 'datetime',
      expires_in_seconds: 'number',
    });
    const driverLogin = await call('POST', '/api/mobile/auth/verify-otp/', {
      phone: '+7 701 555 20 02',
      code: codeOf(driverPhone),
    });
    expectAppCanRead('verify-otp (driver)', driverLogin, {
      ...verifyOtpReads,
      driver_id: 'integer',
    });
    expect(driverLogin.role).to.equal('driver');
    const driverId = driverLogin.driver_id as number;
    let driverAccess = driverLogin.access as string;
    const keptRefresh = driverLogin.refresh as string;
    const driverStream = await follow(realtimeB, `/ws/drivers/${driverId}/`, driverAccess);
    const online = await call(
      'PATCH',
      '/api/mobile/drivers/online-status/',
      { is_online: true },
      driverAccess,
    );
    expectAppCanRead('online-status', online, driverReads);
    expect(online.is_online).to.equal(true);
    // The summary-era client's own call (INTEGRATION_GUIDE.md §1) still works too.
    const located = await call(
      'PATCH',
      `/api/drivers/${driverId}/location/`,
      metresNorth(700),
      driverAccess,
    );
    expectAppCanRead('location', located, driverReads);
    expect(located.current_position).to.deep.equal(metresNorth(700));

    // ── The passenger app (summary era, INTEGRATION_GUIDE.md) logs in and books ──
    await call('POST', '/api/auth/phone-login/', { phone: '+7 (701) 555-20-01' });
    const login = await call('POST', '/api/auth/verify-otp/', {
      phone: '+7 (701) 555-20-01',
      code: codeOf(passengerPhone),
    });
    expectAppCanRead('verify-otp (passenger)', login, {
      ...verifyOtpReads,
      passenger_id: 'integer',
    });
    const passengerAccess = login.access as string;
    const passengerId = login.passenger_id as number;
    const passengerStream = await follow(
      realtimeA,
      `/ws/passengers/${passengerId}/`,
      passengerAccess,
    );
    const pickupAt = new Date(Date.now() + 10 * 60_000);
    const booked = await call(
      'POST',
      '/api/orders/',
      summaryBookingBody({ pickup: center, dropoff, localPickupTime: dartLocalTime(pickupAt) }),
      passengerAccess,
      201,
    );
    expectAppCanRead('POST /api/orders/', booked, orderReads);
    // The zone-less local time meant Atyrau's wall clock; the answer carries the zone.
    expect(new Date(booked.desired_pickup_time).getTime()).to.equal(Math.floor(pickupAt.getTime()));
    const orderId = booked.id as string;
    const orderStream = await follow(realtimeA, `/ws/orders/${orderId}/`, passengerAccess);

    // ── The offer reaches the driver; the later app lists and accepts it ──
    await waitFor(
      () => driverStream.of('new_offer').some((o: { order_id: string }) => o.order_id === orderId),
      'new_offer on the driver stream',
    );
    const offers = await call('GET', '/api/mobile/drivers/offers/', undefined, driverAccess);
    expect(offers.count).to.equal(1);
    const offer = offers.results[0];
    expectAppCanRead('drivers/offers/', offer, mobileOfferReads);
    expect(offer).to.include({ order_id: orderId });
    expect(offer.distance_km).to.be.closeTo(0.7, 0.01);
    expect(offer.passenger).to.not.have.property(
      knownDifferences.offerWithoutDisabilityCategory.split('.')[1]!,
    );
    const accepted = await call(
      'POST',
      `/api/mobile/drivers/offer/${offer.offer_id}/accept/`,
      {},
      driverAccess,
    );
    expectAppCanRead('offer accept', accepted, {
      success: 'boolean',
      order_id: 'string',
      message: 'string',
    });
    expect(accepted).to.include({ success: true, order_id: orderId });

    // ── The driver drives the ride through the later app's status calls ──
    const setStatus = async (status: string) => {
      const order = await call(
        'PATCH',
        `/api/mobile/orders/${orderId}/status/`,
        { status, reason: 'Водитель' },
        driverAccess,
      );
      expectAppCanRead(`status ${status}`, order, orderReads);
      expect(order.status).to.equal(status);
    };
    await setStatus('driver_en_route');
    await call('PATCH', '/api/mobile/drivers/location/', metresNorth(30), driverAccess);
    // The order's driver position is PostgreSQL's, which the position writer updates within
    // POSITION_FLUSH_INTERVAL_MS of the report (docs/operations.md): ask until it is there.
    const active = await pollFor(
      async () => {
        const body = await call(
          'GET',
          '/api/mobile/passengers/active-order/',
          undefined,
          passengerAccess,
        );
        return body.driver_position ? body : undefined;
      },
      10_000,
      'the driver position on the active order',
    );
    expectAppCanRead('passengers/active-order/', active, {
      ...orderReads,
      has_active_order: 'boolean',
      driver_position: 'object',
      'driver_position.lat': 'number',
      'driver_position.lon': 'number',
      'driver_position.last_update': 'datetime',
    });
    expect(active).to.include({ has_active_order: true, id: orderId, status: 'driver_en_route' });
    await setStatus('arrived_waiting');
    await setStatus('ride_ongoing');
    await call('PATCH', '/api/mobile/drivers/location/', dropoff, driverAccess);

    // The app keeps only `access` from refresh-token/: its second refresh must still work.
    for (let refresh = 0; refresh < 2; refresh += 1) {
      const renewed = await call('POST', '/api/mobile/auth/refresh-token/', {
        refresh: keptRefresh,
      });
      expectAppCanRead('refresh-token', renewed, { access: 'string' });
      driverAccess = renewed.access as string;
    }
    const driverActive = await call(
      'GET',
      '/api/mobile/drivers/active-order/',
      undefined,
      driverAccess,
    );
    expect(driverActive).to.include({
      has_active_order: true,
      id: orderId,
      status: 'ride_ongoing',
    });
    await setStatus('completed');

    // ── The passenger followed it live: every step once, in order, in the {type, data} envelope ──
    const allSteps = [
      'submitted',
      'matching',
      'offered',
      'assigned',
      'driver_en_route',
      'arrived_waiting',
      'ride_ongoing',
      'completed',
    ];
    const statusesOn = (stream: PlainClient) =>
      stream.of('order_status_changed').map((d: { status: string }) => d.status);
    const completedOn = (stream: PlainClient) =>
      stream.of('order_update').some((o: { status: string }) => o.status === 'completed');
    await waitFor(
      () => completedOn(passengerStream) && completedOn(orderStream),
      'completed on both streams',
    );
    expect(statusesOn(passengerStream)).to.deep.equal(allSteps);
    // The order stream starts with the state at connect, then only what came after it.
    const [first] = orderStream.messages;
    expect(first?.type).to.equal('order_update');
    expect(statusesOn(orderStream)).to.deep.equal(
      allSteps.slice(allSteps.indexOf(first!.data.status) + 1),
    );
    for (const stream of [passengerStream, orderStream, driverStream]) {
      for (const message of stream.messages) {
        expect(Object.keys(message).sort(), JSON.stringify(message)).to.deep.equal([
          'data',
          'type',
        ]);
        const reads = socketReads[message.type];
        if (reads) expectAppCanRead(`ws ${message.type}`, message.data, reads);
      }
    }
    const assigned = passengerStream.of('driver_assigned')[0];
    expect(assigned.driver.id).to.equal(driverId);
    expect(knownDifferences.assignedDriverIdIsInteger).to.equal(
      Number.isInteger(assigned.driver.id),
    );
    expect(passengerStream.of('driver_arrived')).to.have.length(1);
    expect(passengerStream.of('driver_location').length).to.be.greaterThan(0);
    // Every status the passenger saw is one the later app knows; the summary app lacks two.
    const seen = new Set(statusesOn(passengerStream));
    expect([...seen].filter((s) => !laterStatuses.includes(s))).to.deep.equal([]);
    expect([...seen].filter((s) => !summaryStatuses.includes(s))).to.deep.equal([
      ...knownDifferences.statusesUnknownToSummaryApps,
    ]);
    // Ping/pong keep-alive, as the original consumers answered it.
    orderStream.send({ type: 'ping' });
    await waitFor(() => orderStream.messages.at(-1)?.type === 'pong', 'the pong');

    // ── The summary-era reads: regions (the sign-up picker) and the finished order ──
    const regions = await call('GET', '/api/regions/?page_size=100', undefined);
    expect(Array.isArray(regions)).to.equal(!knownDifferences.regionListIsPage);
    const listed = regions.results.find((r: { id: string }) => r.id === region.id);
    expectAppCanRead('GET /api/regions/ item', listed, {
      id: 'string',
      title: 'string',
      center_lat: 'number',
      center_lon: 'number',
      center: 'object',
      'center.lat': 'number',
      'center.lon': 'number',
    });
    const read = await call('GET', `/api/orders/${orderId}/`, undefined, passengerAccess);
    expectAppCanRead('GET /api/orders/{id}/', read, orderReads);
    expect(read).to.include({ status: 'completed' });
    const mine = await call(
      'GET',
      `/api/orders/?passenger_id=${passengerId}`,
      undefined,
      passengerAccess,
    );
    expectAppCanRead('GET /api/orders/ result', mine.results[0], orderReads);
    const partyList = await call(
      'GET',
      `/api/orders/passenger/${passengerId}/`,
      undefined,
      passengerAccess,
    );
    expect(Array.isArray(partyList)).to.equal(!knownDifferences.partyListsArePages);
    expect(partyList.results.map((o: { id: string }) => o.id)).to.deep.equal([orderId]);

    // ── Logout closes the app's WebSocket, whichever node holds it ──
    await call('POST', '/api/mobile/auth/logout/', { refresh: keptRefresh }, driverAccess);
    expect(await driverStream.closed).to.deep.equal({ code: 4001, reason: 'token_revoked' });
  });
});
