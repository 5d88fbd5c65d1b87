/**
 * The realtime contract end to end: two real realtime processes, an outbox relay, real
 * socket.io-client clients on both nodes, and changes committed through transitionOrder.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { io as connectIo } from 'socket.io-client';
import type { AppDeps } from '../../lib/deps.js';
import type { OrderStatus } from '../../lib/orders/order-status.js';
import { startOutboxRelay, type OutboxRelay } from '../../lib/outbox/outbox-relay.js';
import { driverRoom, passengerRoom, staffRoom } from '../../lib/realtime/rooms.js';
import { insertOutboxMessages } from '../../db/repositories/outbox.repository.js';
import { closeOffer, insertOffer } from '../../db/repositories/offer.repository.js';
import { revokeSession } from '../../db/repositories/session.repository.js';
import {
  createDriver,
  createPassenger,
  createRegion,
  createUser,
  signIn,
  tokenFor,
} from '../helpers/factories.js';
import { createOrderIn, moveOrder } from '../helpers/dispatch-fixtures.js';
import {
  connectClient,
  handshakeRefusal,
  startRealtimeNode,
  whenConnected,
  type ClientSocket,
  type RealtimeNode,
} from '../helpers/realtime-node.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { pollUntil } from '../helpers/poll-until.js';
import { isFanoutMarker, sendFanoutMarker, untilEmitted } from '../helpers/fanout-marker.js';

interface Received {
  event: string;
  payload: any;
}

const waitFor = (check: () => boolean, what: string, timeoutMs = 15_000) =>
  pollUntil(check, timeoutMs, what);

describe('realtime: two real nodes, real clients', function () {
  this.timeout(60_000);
  let deps: AppDeps;
  let nodeA: RealtimeNode;
  let nodeB: RealtimeNode;
  let relay: OutboxRelay;
  const sockets: ClientSocket[] = [];
  const received = new Map<ClientSocket, Received[]>();

  before(async () => {
    deps = createTestDeps();
    const env = { REALTIME_SESSION_CHECK_SECONDS: '1', RATE_LIMIT_USER_WRITES_PER_MINUTE: '20' };
    [nodeA, nodeB] = await Promise.all([startRealtimeNode(env), startRealtimeNode(env)]);
    relay = await startOutboxRelay({ ...deps, databaseUrl: deps.config.databaseUrl });
  });

  after(async () => {
    await relay.stop();
    await Promise.all([nodeA.stop(), nodeB.stop()]);
    await closeDeps(deps);
  });

  beforeEach(async () => {
    await resetState(deps);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    received.clear();
  });

  /** A connected client that records every event it receives. */
  async function client(node: RealtimeNode, token: string, locale?: string): Promise<ClientSocket> {
    const socket = connectClient(node.url, token, locale ? { locale } : {});
    sockets.push(socket);
    const log: Received[] = [];
    received.set(socket, log);
    socket.onAny((event: string, payload: unknown) => log.push({ event, payload }));
    await whenConnected(socket);
    return socket;
  }

  const eventsOf = (socket: ClientSocket, event?: string) =>
    (received.get(socket) ?? []).filter((r) => event === undefined || r.event === event);

  /** Every personal room of the current world's parties, for markers. */
  let everyone: string[] = [];

  /** `driverOverrides` shape the driver the tests drive (the other driver stays default). */
  async function world(driverOverrides: Parameters<typeof createDriver>[2] = {}) {
    const region = await createRegion(deps);
    const alice = await createPassenger(deps, region.id);
    const bob = await createPassenger(deps, region.id);
    const driver = await createDriver(deps, region.id, driverOverrides);
    const otherDriver = await createDriver(deps, region.id);
    const staff = await createUser(deps, 'dispatcher');
    everyone = [
      staffRoom,
      passengerRoom(alice.passenger.id),
      passengerRoom(bob.passenger.id),
      driverRoom(driver.driver.id),
      driverRoom(otherDriver.driver.id),
    ];
    return { region, alice, bob, driver, otherDriver, staff };
  }

  /**
   * Every emission published so far has reached these sockets (a fan-out marker sent now has
   * arrived on each); the marker events are then taken out of the logs. Tests asserting that
   * something did NOT arrive wait for this instead of sleeping.
   */
  async function settle(...targets: ClientSocket[]): Promise<void> {
    const marker = await sendFanoutMarker(deps, everyone);
    await waitFor(
      () => targets.every((socket) => eventsOf(socket).some((r) => r.payload?.order_id === marker)),
      `${marker} on every socket`,
    );
    for (const log of received.values()) {
      const kept = log.filter((r) => !isFanoutMarker(r.payload));
      log.length = 0;
      log.push(...kept);
    }
  }

  /** The passenger books (createOrder): versions 1 submitted and 2 matching, announced. */
  const book = (passenger: { id: number; user_id: number; region_id: string }) =>
    createOrderIn(deps, passenger);
  const move = (orderId: string, to: OrderStatus, driverId?: number) =>
    moveOrder(deps, orderId, to, driverId);

  /** The status versions a socket saw, in arrival order. */
  const statusVersions = (socket: ClientSocket) =>
    eventsOf(socket, 'order_status_changed').map((r) => r.payload.version as number);

  it('when the token is missing, forged, expired or revoked, then the handshake is refused', async () => {
    const { alice } = await world();
    const forged = jwt.sign(
      { sub: String(alice.user.id), role: 'passenger', sid: randomUUID(), typ: 'access' },
      'not-the-secret-0123456789-0123456789',
    );
    const { token: revokedToken, actor } = await signIn(deps, alice.user);
    const sessionId = actor.sessionId;
    const expired = jwt.sign(
      { sub: String(alice.user.id), role: 'passenger', sid: sessionId, typ: 'access' },
      deps.config.jwt.secret,
      { algorithm: 'HS256', expiresIn: -10 },
    );
    await revokeSession(deps.db.knex, sessionId, 'logout');

    const refusals = await Promise.all(
      [undefined, forged, expired, revokedToken].map((token) => {
        const socket = connectClient(nodeA.url, token);
        sockets.push(socket);
        return handshakeRefusal(socket);
      }),
    );
    expect(refusals).to.deep.equal([
      'unauthorized',
      'invalid_token',
      'invalid_token',
      'token_revoked',
    ]);

    const good = connectClient(nodeB.url, await tokenFor(deps, alice.user));
    sockets.push(good);
    expect(await handshakeRefusal(good)).to.equal(null);
    // The token may come in the query instead (clients that cannot set `auth`).
    const byQuery = connectIo(nodeA.url, {
      transports: ['websocket'],
      query: { token: await tokenFor(deps, alice.user) },
      reconnection: false,
      forceNew: true,
    }) as ClientSocket;
    sockets.push(byQuery);
    expect(await handshakeRefusal(byQuery)).to.equal(null);
  });

  it('when the session of a connected socket is revoked, then the socket is dropped and its sibling session stays', async () => {
    const { alice } = await world();
    const first = await signIn(deps, alice.user);
    const [token, sessionId] = [first.token, first.actor.sessionId];
    const later = await signIn(deps, alice.user);
    const [laterToken, laterSession] = [later.token, later.actor.sessionId];
    const revoked = await client(nodeA, token);
    const kept = await client(nodeB, await tokenFor(deps, alice.user));
    const laterOnB = await client(nodeB, laterToken);
    await revokeSession(deps.db.knex, sessionId, 'logout');
    await waitFor(() => !revoked.connected, 'the revoked socket to drop', 5000);
    // A later revocation on the kept socket's node: once it drops there, that node has swept
    // every socket since the first revocation, so a wrongly dropped sibling would be gone.
    await revokeSession(deps.db.knex, laterSession, 'logout');
    await waitFor(() => !laterOnB.connected, 'the later revoked socket to drop', 5000);
    expect(kept.connected).to.equal(true);
  });

  it('when an order moves, then each event reaches every socket of its parties on both nodes once, and no other socket', async () => {
    const { alice, bob, driver, otherDriver, staff } = await world();
    const aliceToken = await tokenFor(deps, alice.user);
    const aliceOnA = await client(nodeA, aliceToken);
    const aliceOnB = await client(nodeB, aliceToken, 'ru');
    const bobOnB = await client(nodeB, await tokenFor(deps, bob.user));
    const driverOnA = await client(nodeA, await tokenFor(deps, driver.user));
    const otherDriverOnB = await client(nodeB, await tokenFor(deps, otherDriver.user));
    const staffOnB = await client(nodeB, await tokenFor(deps, staff));
    const staffOnA = await client(nodeA, await tokenFor(deps, staff));

    // Every socket is up before the booking: its versions 1 (submitted) and 2 (matching) too.
    const orderId = await book(alice.passenger);
    // In the order's room AND in a personal room that also gets its events: still once each.
    for (const socket of [aliceOnA, staffOnB]) {
      const ack: any = await socket.emitWithAck('subscribe', { order_id: orderId });
      expect(ack.ok).to.equal(true);
      expect(ack.order).to.include({ id: orderId, version: 2, status: 'matching' });
    }
    await waitFor(() => statusVersions(staffOnA).includes(2), 'the booking on the staff socket');

    const steps: [OrderStatus, number | undefined][] = [
      ['assigned', driver.driver.id],
      ['driver_en_route', undefined],
      ['arrived_waiting', undefined],
      ['ride_ongoing', undefined],
    ];
    for (const [index, [to, driverId]] of steps.entries()) {
      await move(orderId, to, driverId);
      const version = index + 3;
      await waitFor(
        () => statusVersions(staffOnA).includes(version),
        `version ${version} on the staff socket`,
      );
    }
    await settle(aliceOnA, aliceOnB, staffOnA, staffOnB, driverOnA, bobOnB, otherDriverOnB);

    for (const socket of [aliceOnA, aliceOnB, staffOnA, staffOnB]) {
      expect(statusVersions(socket)).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(eventsOf(socket, 'order_update').map((r) => r.payload.version)).to.deep.equal([
        2, 3, 4, 5, 6,
      ]);
      expect(eventsOf(socket, 'driver_assigned')).to.have.length(1);
      expect(eventsOf(socket, 'driver_arrived')).to.have.length(1);
    }
    // The driver joins the audience when assigned (version 3).
    expect(statusVersions(driverOnA)).to.deep.equal([3, 4, 5, 6]);
    expect(eventsOf(driverOnA, 'driver_assigned')[0]!.payload).to.deep.include({
      order_id: orderId,
      version: 3,
    });
    expect(eventsOf(driverOnA, 'driver_assigned')[0]!.payload.driver).to.include({
      id: driver.driver.id,
    });
    const statusOf = (socket: ClientSocket, version: number) =>
      eventsOf(socket, 'order_status_changed').find((r) => r.payload.version === version)!.payload;
    expect(statusOf(aliceOnA, 2)).to.include({ status: 'matching', previous_status: 'submitted' });
    const changed = statusOf(aliceOnB, 3);
    expect(changed).to.deep.equal({
      order_id: orderId,
      status: 'assigned',
      previous_status: 'matching',
      status_display: 'Водитель назначен',
      version: 3,
    });
    // Texts follow each socket's language (the test default is English).
    expect(statusOf(aliceOnA, 3).status_display).to.equal('Driver assigned');
    expect(eventsOf(aliceOnB, 'order_update').at(-1)!.payload.status_display).to.equal('В пути');
    expect(eventsOf(bobOnB)).to.deep.equal([]);
    expect(eventsOf(otherDriverOnB)).to.deep.equal([]);
  });

  it('when changes are committed in a burst, then every socket sees each version once and in order', async () => {
    const { alice, driver, staff } = await world();
    const aliceOnA = await client(nodeA, await tokenFor(deps, alice.user));
    const staffOnB = await client(nodeB, await tokenFor(deps, staff));
    const orderId = await book(alice.passenger);

    await move(orderId, 'assigned', driver.driver.id);
    await move(orderId, 'driver_en_route');
    await move(orderId, 'matching'); // the driver withdrew
    await move(orderId, 'assigned', driver.driver.id);
    await move(orderId, 'cancelled');

    for (const socket of [aliceOnA, staffOnB]) {
      await waitFor(() => statusVersions(socket).includes(7), 'the last version');
    }
    await settle(aliceOnA, staffOnB);
    for (const socket of [aliceOnA, staffOnB]) {
      expect(statusVersions(socket)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
      const snapshots = eventsOf(socket, 'order_update').map((r) => r.payload.version as number);
      expect(snapshots.at(-1)).to.equal(7);
      expect(snapshots).to.deep.equal([...new Set(snapshots)].sort((a, b) => a - b));
      const versions = (received.get(socket) ?? [])
        .map((r) => r.payload.version as number | undefined)
        .filter((v) => v !== undefined);
      expect(versions).to.deep.equal([...versions].sort((a, b) => a - b));
    }
  });

  it('when a client subscribes outside its scope, then the ack refuses it as not found', async () => {
    const { alice, bob, driver, otherDriver, staff } = await world();
    const orderId = await book(alice.passenger);
    await move(orderId, 'assigned', driver.driver.id);
    const bobSocket = await client(nodeA, await tokenFor(deps, bob.user));
    const otherDriverSocket = await client(nodeB, await tokenFor(deps, otherDriver.user));
    const driverSocket = await client(nodeA, await tokenFor(deps, driver.user));
    const staffSocket = await client(nodeB, await tokenFor(deps, staff));

    for (const socket of [bobSocket, otherDriverSocket]) {
      const ack: any = await socket.emitWithAck('subscribe', { order_id: orderId });
      expect(ack).to.include({ ok: false, code: 'not_found' });
      expect(ack).not.to.have.property('order');
    }
    const bad: any = await bobSocket.emitWithAck('subscribe', { order_id: 5, extra: 1 });
    expect(bad).to.include({ ok: false, code: 'validation_failed' });
    expect(bad.fields).to.have.keys('order_id', 'extra');

    for (const socket of [driverSocket, staffSocket]) {
      const ack: any = await socket.emitWithAck('subscribe', { order_id: orderId });
      expect(ack).to.include({ ok: true });
      expect(ack.order).to.include({ id: orderId, version: 3, status: 'assigned' });
    }

    await move(orderId, 'driver_en_route');
    await waitFor(() => statusVersions(staffSocket).includes(4), 'version 4');
    await settle(bobSocket, otherDriverSocket);
    expect(eventsOf(bobSocket)).to.deep.equal([]);
    expect(eventsOf(otherDriverSocket)).to.deep.equal([]);
  });

  it('when a client unsubscribes, then the room of the order no longer reaches it', async () => {
    const { alice, driver } = await world();
    const orderId = await book(alice.passenger);
    await insertOffer(deps.db.knex, {
      order_id: orderId,
      driver_id: driver.driver.id,
      expires_at: new Date(Date.now() + 20_000),
      distance_m: 500,
      score: 1,
      rank: 1,
    });
    // An offered driver reaches the order only through its room (it is not theirs yet).
    const driverSocket = await client(nodeA, await tokenFor(deps, driver.user));
    const staffSocket = await client(nodeB, await tokenFor(deps, await createUser(deps, 'admin')));
    const ack: any = await driverSocket.emitWithAck('subscribe', { order_id: orderId });
    expect(ack.ok).to.equal(true);
    await move(orderId, 'offered');
    await waitFor(() => statusVersions(driverSocket).includes(3), 'version 3 for the driver');

    const left: any = await driverSocket.emitWithAck('unsubscribe', { order_id: orderId });
    expect(left).to.deep.equal({ ok: true });
    await move(orderId, 'matching');
    await waitFor(() => statusVersions(staffSocket).includes(4), 'version 4 for staff');
    await settle(driverSocket);
    expect(statusVersions(driverSocket)).to.deep.equal([3]);
  });

  it('when a user sends more costly events than the write limit, then the ack says rate_limited', async () => {
    const { alice } = await world();
    const orderId = await book(alice.passenger);
    const token = await tokenFor(deps, alice.user);
    // The limit is per user across nodes (20 per minute in this suite).
    const [onA, onB] = [await client(nodeA, token), await client(nodeB, token)];
    const acks: any[] = [];
    for (let i = 0; i < 11; i++) {
      acks.push(await onA.emitWithAck('subscribe', { order_id: orderId }));
      acks.push(await onB.emitWithAck('subscribe', { order_id: orderId }));
    }
    expect(acks.slice(0, 20).every((ack) => ack.ok)).to.equal(true);
    expect(acks[20]).to.include({ ok: false, code: 'rate_limited' });
    expect(acks[20].retry_after_seconds).to.be.a('number');
  });

  it('when an offer is made and then expires, then only its driver gets new_offer and offer_closed, once each', async () => {
    const { alice, driver, otherDriver } = await world();
    const orderId = await book(alice.passenger);
    const driverOnA = await client(nodeA, await tokenFor(deps, driver.user));
    const driverOnB = await client(nodeB, await tokenFor(deps, driver.user));
    const otherOnB = await client(nodeB, await tokenFor(deps, otherDriver.user));
    const aliceOnA = await client(nodeA, await tokenFor(deps, alice.user));

    const offer = await deps.db.transaction(async (trx) => {
      const made = await insertOffer(trx, {
        order_id: orderId,
        driver_id: driver.driver.id,
        expires_at: new Date(Date.now() + 20_000),
        distance_m: 850,
        score: 1,
        rank: 1,
      });
      await insertOutboxMessages(trx, [
        { topic: 'realtime.offer-changed', payload: { offer_id: made.id } },
      ]);
      return made;
    });
    // The offered driver may follow the order until the offer closes.
    const ack: any = await driverOnB.emitWithAck('subscribe', { order_id: orderId });
    expect(ack.ok).to.equal(true);
    for (const socket of [driverOnA, driverOnB]) {
      await waitFor(() => eventsOf(socket, 'new_offer').length > 0, 'new_offer');
    }
    expect(eventsOf(driverOnA, 'new_offer')[0]!.payload).to.include({
      id: offer.id,
      order_id: orderId,
      status: 'pending',
    });
    expect(eventsOf(driverOnA, 'new_offer')[0]!.payload.passenger).to.have.keys('id', 'full_name');

    await deps.db.transaction(async (trx) => {
      await closeOffer(trx, offer.id, 'expired', 'no answer');
      await insertOutboxMessages(trx, [
        { topic: 'realtime.offer-changed', payload: { offer_id: offer.id } },
        // A duplicate announcement (a retried job) must not reach clients twice.
        { topic: 'realtime.offer-changed', payload: { offer_id: offer.id } },
      ]);
    });
    for (const socket of [driverOnA, driverOnB]) {
      await waitFor(() => eventsOf(socket, 'offer_closed').length > 0, 'offer_closed');
    }
    await settle(driverOnA, driverOnB, otherOnB);
    for (const socket of [driverOnA, driverOnB]) {
      expect(eventsOf(socket).map((r) => r.event)).to.deep.equal(['new_offer', 'offer_closed']);
      expect(eventsOf(socket, 'offer_closed')[0]!.payload).to.deep.equal({
        offer_id: offer.id,
        order_id: orderId,
        status: 'expired',
      });
    }
    expect(eventsOf(otherOnB)).to.deep.equal([]);

    // The closed offer took the driver out of the order's room.
    await move(orderId, 'cancelled');
    await waitFor(
      () => eventsOf(aliceOnA, 'order_update').some((r) => r.payload.status === 'cancelled'),
      'the cancellation on the passenger socket',
    );
    await settle(driverOnB);
    expect(eventsOf(driverOnB, 'order_update')).to.deep.equal([]);
  });

  it('when a driver on the way reports positions over the socket, then the index moves and the room of the order gets one driver_location per throttle window', async () => {
    // No position at creation: a fixture's report would open the driver's throttle window,
    // and the socket's first report, sooner than the window on a fast machine, would be
    // held back (CI failed so).
    const { alice, bob, driver } = await world({ current_lat: null, current_lon: null });
    const orderId = await book(alice.passenger);
    await move(orderId, 'assigned', driver.driver.id);
    await move(orderId, 'driver_en_route');
    // The set-up's status events are out before anyone connects (the gate records the last).
    await untilEmitted(deps, orderId, 4);
    const driverSocket = await client(nodeA, await tokenFor(deps, driver.user));
    const aliceSocket = await client(nodeB, await tokenFor(deps, alice.user));
    const staffSocket = await client(nodeB, await tokenFor(deps, await createUser(deps, 'admin')));
    const bobSocket = await client(nodeA, await tokenFor(deps, bob.user));
    const follow: any = await staffSocket.emitWithAck('subscribe', { order_id: orderId });
    expect(follow.ok).to.equal(true);
    // Whatever of the set-up the new sockets caught has arrived by the marker: start clean.
    await settle(driverSocket, aliceSocket, staffSocket, bobSocket);
    for (const log of received.values()) log.length = 0;

    const first: any = await driverSocket.emitWithAck('driver:location', {
      lat: 47.2,
      lon: 51.8,
      heading: 45,
      speed: 7,
    });
    expect(first.ok).to.equal(true);
    expect(first.accepted).to.equal(true);
    expect(first.driver).to.include({ id: driver.driver.id, current_lat: 47.2, current_lon: 51.8 });
    const second: any = await driverSocket.emitWithAck('driver:location', {
      lat: 47.21,
      lon: 51.81,
    });
    expect(second.ok).to.equal(true);

    const near = await deps.positionIndex.nearby({
      lat: 47.21,
      lon: 51.81,
      radiusMeters: 100,
      freshSince: new Date(Date.now() - 60_000),
    });
    expect(near.map((d) => d.driverId)).to.deep.equal([driver.driver.id]);

    for (const socket of [aliceSocket, staffSocket]) {
      await waitFor(() => eventsOf(socket, 'driver_location').length > 0, 'driver_location');
    }
    await settle(aliceSocket, staffSocket, bobSocket);
    // Staff also see every driver's position on the console's map (driver_position).
    expect(eventsOf(aliceSocket).map((r) => r.event)).to.deep.equal(['driver_location']);
    expect(
      eventsOf(staffSocket)
        .map((r) => r.event)
        .sort(),
    ).to.deep.equal(['driver_location', 'driver_position']);
    expect(eventsOf(staffSocket, 'driver_position')[0]!.payload).to.deep.include({
      driver_id: driver.driver.id,
      lat: 47.2,
      lon: 51.8,
    });
    for (const socket of [aliceSocket, staffSocket]) {
      expect(eventsOf(socket, 'driver_location')[0]!.payload).to.include({
        order_id: orderId,
        driver_id: driver.driver.id,
        lat: 47.2,
        lon: 51.8,
        heading: 45,
        speed: 7,
      });
    }
    expect(eventsOf(bobSocket)).to.deep.equal([]);

    const bad: any = await driverSocket.emitWithAck('driver:location', { lat: 91, lon: 51.8 });
    expect(bad).to.include({ ok: false, code: 'validation_failed' });
    expect(bad.fields).to.have.keys('lat');
    const notADriver: any = await bobSocket.emitWithAck('driver:location', {
      lat: 47.2,
      lon: 51.8,
    });
    expect(notADriver).to.include({ ok: false, code: 'not_found' });
  });

  it('when a client reconnects and re-subscribes, then it gets the current snapshot', async () => {
    const { alice, driver } = await world();
    const orderId = await book(alice.passenger);
    const socket = await client(nodeA, await tokenFor(deps, alice.user));
    const first: any = await socket.emitWithAck('subscribe', { order_id: orderId });
    expect(first.order).to.include({ version: 2, status: 'matching' });

    socket.disconnect();
    await move(orderId, 'assigned', driver.driver.id);
    socket.connect();
    await whenConnected(socket);
    const again: any = await socket.emitWithAck('subscribe', { order_id: orderId });
    expect(again.order).to.include({ version: 3, status: 'assigned' });
    expect(again.order.driver).to.include({ id: driver.driver.id });
  });

  it('when a realtime node is down, then a committed change still reaches the clients of the node that is up', async () => {
    const { alice, staff } = await world();
    const orderId = await book(alice.passenger);
    // The booking's versions are out before anyone connects: only the next change is counted.
    await untilEmitted(deps, orderId, 2);
    const aliceOnA = await client(nodeA, await tokenFor(deps, alice.user));
    const aliceOnB = await client(nodeB, await tokenFor(deps, alice.user));
    const staffOnB = await client(nodeB, await tokenFor(deps, staff));

    await nodeA.stop();
    await waitFor(() => !aliceOnA.connected, 'the node-A client to drop');
    await move(orderId, 'cancelled');
    await waitFor(() => statusVersions(aliceOnB).includes(3), 'version 3 on node B');
    await waitFor(() => statusVersions(staffOnB).includes(3), 'version 3 for staff on node B');
    await settle(aliceOnB, staffOnB);
    expect(statusVersions(aliceOnB)).to.deep.equal([3]);
    expect(statusVersions(aliceOnA)).to.deep.equal([]);
  });
});
