/**
 * The original apps' plain WebSocket routes, end to end: two real realtime nodes, an outbox
 * relay, plain `ws` clients (no Socket.IO), and changes committed through transitionOrder.
 * Waits end on a later message of the same stream: the fan-out channel is ordered, so once
 * it arrived, a duplicate of anything earlier would have arrived before it.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import type { AppDeps } from '../../lib/deps.js';
import type { OrderStatus } from '../../lib/orders/order-status.js';
import { startOutboxRelay, type OutboxRelay } from '../../lib/outbox/outbox-relay.js';
import { driverRoom, passengerRoom } from '../../lib/realtime/rooms.js';
import { revokeSession } from '../../db/repositories/session.repository.js';
import { createOrderIn, moveOrder } from '../helpers/dispatch-fixtures.js';
import {
  createDriver,
  createPassenger,
  createRegion,
  createUser,
  tokenFor,
} from '../helpers/factories.js';
import { untilInRoom } from '../helpers/fanout-marker.js';
import { connectPlain, type PlainClient } from '../helpers/plain-ws-client.js';
import { pollUntil } from '../helpers/poll-until.js';
import { startRealtimeNode, type RealtimeNode } from '../helpers/realtime-node.js';
import { type TestApp, closeTestApp, openTestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

const waitFor = (check: () => boolean, what: string, timeoutMs = 15_000) =>
  pollUntil(check, timeoutMs, what);

describe('realtime: the original plain WebSocket routes on two real nodes', function () {
  this.timeout(60_000);
  let deps: AppDeps;
  let app: TestApp;
  let nodeA: RealtimeNode;
  let nodeB: RealtimeNode;
  let relay: OutboxRelay;
  const clients: PlainClient[] = [];

  before(async () => {
    ({ deps, app } = await openTestApp());
    // Only the logout announcement can drop a connection within the test (sweep: an hour).
    const env = { REALTIME_SESSION_CHECK_SECONDS: '3600' };
    [nodeA, nodeB] = await Promise.all([startRealtimeNode(env), startRealtimeNode(env)]);
    relay = await startOutboxRelay({ ...deps, databaseUrl: deps.config.databaseUrl });
  });

  after(async () => {
    await relay.stop();
    await Promise.all([nodeA.stop(), nodeB.stop()]);
    await closeTestApp(deps, app);
  });

  beforeEach(async () => {
    await resetState(deps);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.ws.terminate();
  });

  function open(node: RealtimeNode, path: string, token?: string, headers = {}) {
    const client = connectPlain(node.url, path, token, headers);
    clients.push(client);
    return client;
  }
  async function connected(node: RealtimeNode, path: string, token: string, headers = {}) {
    const client = open(node, path, token, headers);
    await client.opened;
    return client;
  }

  async function world() {
    const region = await createRegion(deps);
    const alice = await createPassenger(deps, region.id);
    const bob = await createPassenger(deps, region.id);
    const driver = await createDriver(deps, region.id);
    const otherDriver = await createDriver(deps, region.id);
    const staff = await createUser(deps, 'dispatcher');
    return { region, alice, bob, driver, otherDriver, staff };
  }

  const move = (orderId: string, to: OrderStatus, driverId?: number) =>
    moveOrder(deps, orderId, to, driverId);

  const statusVersions = (client: PlainClient) =>
    client.of('order_status_changed').map((d: { version: number }) => d.version);

  it('when the token is missing, forged, expired or revoked, then the connection closes with 4001 and the reason', async () => {
    const { alice } = await world();
    const path = `/ws/passengers/${alice.passenger.id}/`;
    const forged = jwt.sign(
      { sub: String(alice.user.id), role: 'passenger', sid: randomUUID(), typ: 'access' },
      'not-the-secret-0123456789-0123456789',
    );
    const expired = jwt.sign(
      { sub: String(alice.user.id), role: 'passenger', sid: randomUUID(), typ: 'access' },
      deps.config.jwt.secret,
      { algorithm: 'HS256', expiresIn: -10 },
    );
    const revoked = await tokenFor(deps, alice.user);
    const claims = jwt.decode(revoked) as { sid: string };
    await revokeSession(deps.db.knex, claims.sid, 'logout');

    const closes = await Promise.all(
      [undefined, forged, expired, revoked].map((token) => open(nodeA, path, token).closed),
    );
    expect(closes).to.deep.equal([
      { code: 4001, reason: 'unauthorized' },
      { code: 4001, reason: 'invalid_token' },
      { code: 4001, reason: 'invalid_token' },
      { code: 4001, reason: 'token_revoked' },
    ]);
  });

  it('when a caller asks for a stream outside their scope, then it closes with 4003, without revealing existence', async () => {
    const { alice, bob, driver, otherDriver } = await world();
    const orderId = await createOrderIn(deps, alice.passenger);
    const bobToken = await tokenFor(deps, bob.user);
    const driverToken = await tokenFor(deps, driver.user);
    const refused = [
      open(nodeA, `/ws/orders/${orderId}/`, bobToken),
      open(nodeA, '/ws/orders/order_does_not_exist/', bobToken),
      open(nodeB, `/ws/passengers/${alice.passenger.id}/`, bobToken),
      open(nodeB, `/ws/drivers/${otherDriver.driver.id}/`, driverToken),
      open(nodeB, `/ws/drivers/${driver.driver.id}/`, bobToken),
      open(nodeA, '/ws/passengers/not-a-number/', bobToken),
    ];
    for (const client of refused) {
      expect(await client.closed).to.deep.equal({ code: 4003, reason: 'not_found' });
    }
    // A path that is none of the routes is refused before the upgrade.
    const unknown = open(nodeA, '/ws/dispatch-map/', bobToken);
    let refusal = '';
    await unknown.opened.catch((e: Error) => (refusal = e.message));
    expect(refusal).to.equal('upgrade refused: 404');
  });

  it('when the app sends {"type":"ping"}, then it gets {"type":"pong"}, and anything else is ignored', async () => {
    const { alice } = await world();
    const token = await tokenFor(deps, alice.user);
    const client = await connected(nodeA, `/ws/passengers/${alice.passenger.id}`, token);
    client.ws.send('not json');
    client.send({ type: 'echo' });
    client.send({ type: 'ping' });
    await waitFor(() => client.messages.length > 0, 'the pong');
    expect(client.messages).to.deep.equal([{ type: 'pong' }]);
  });

  it('when an order moves, then each stream of its parties on both nodes gets each message once, in version order, in the {type, data} envelope', async () => {
    const { alice, bob, driver, otherDriver, staff } = await world();
    const aliceToken = await tokenFor(deps, alice.user);
    // The passenger's own stream is in its room before the booking (a marker to the room has
    // reached it), so it gets the booking's versions 1 (submitted) and 2 (matching) too.
    const passengerOnB = await connected(
      nodeB,
      `/ws/passengers/${alice.passenger.id}/`,
      aliceToken,
    );
    await untilInRoom(deps, passengerRoom(alice.passenger.id), (marker) =>
      passengerOnB.of('offer_closed').some((d: { order_id: string }) => d.order_id === marker),
    );
    passengerOnB.messages.length = 0;
    const orderId = await createOrderIn(deps, alice.passenger);
    const orderOnA = await connected(nodeA, `/ws/orders/${orderId}/`, aliceToken);
    const orderOnB = await connected(nodeB, `/ws/orders/${orderId}/`, aliceToken, {
      'accept-language': 'ru',
    });
    const driverOnA = await connected(
      nodeA,
      `/ws/drivers/${driver.driver.id}/`,
      await tokenFor(deps, driver.user),
    );
    const staffOrderOnB = await connected(
      nodeB,
      `/ws/orders/${orderId}/`,
      await tokenFor(deps, staff),
    );
    const bobOnA = await connected(
      nodeA,
      `/ws/passengers/${bob.passenger.id}/`,
      await tokenFor(deps, bob.user),
    );
    const otherDriverOnB = await connected(
      nodeB,
      `/ws/drivers/${otherDriver.driver.id}/`,
      await tokenFor(deps, otherDriver.user),
    );
    // An order stream starts with the order's current state, and nothing older comes after it.
    // Each is sent once the stream is in the order's room, so every stream has its snapshot
    // before the order moves (a stream joining later would rightly start at a later version).
    for (const stream of [orderOnA, orderOnB, staffOrderOnB]) {
      await waitFor(() => stream.messages.length === 1, 'the snapshot');
      expect(stream.messages[0]).to.deep.include({ type: 'order_update' });
      expect(stream.messages[0]!.data).to.include({ id: orderId, version: 2, status: 'matching' });
    }
    // A party stream has no snapshot: a marker to its room proves it is in.
    const parties: [PlainClient, string][] = [
      [driverOnA, driverRoom(driver.driver.id)],
      [bobOnA, passengerRoom(bob.passenger.id)],
      [otherDriverOnB, driverRoom(otherDriver.driver.id)],
    ];
    for (const [stream, room] of parties) {
      await untilInRoom(deps, room, (marker) =>
        stream.of('offer_closed').some((d: { order_id: string }) => d.order_id === marker),
      );
      stream.messages.length = 0;
    }

    const steps: [OrderStatus, number | undefined][] = [
      ['assigned', driver.driver.id],
      ['driver_en_route', undefined],
      ['arrived_waiting', undefined],
      ['ride_ongoing', undefined],
      ['completed', undefined],
    ];
    for (const [to, driverId] of steps) await move(orderId, to, driverId);
    const streams = [orderOnA, orderOnB, passengerOnB, driverOnA, staffOrderOnB];
    for (const stream of streams) {
      await waitFor(
        () => stream.of('order_update').some((o: { version: number }) => o.version === 7),
        'the last snapshot on every stream',
      );
    }

    expect(statusVersions(passengerOnB)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    for (const stream of [orderOnA, orderOnB, staffOrderOnB]) {
      expect(statusVersions(stream)).to.deep.equal([3, 4, 5, 6, 7]);
    }
    for (const stream of [orderOnA, orderOnB, passengerOnB, staffOrderOnB]) {
      expect(stream.of('driver_assigned')).to.have.length(1);
      expect(stream.of('driver_arrived')).to.have.length(1);
      // Every message carries a version: they come in ascending order, never going back.
      const versions = stream.messages.map((m) => m.data.version as number);
      expect(versions).to.deep.equal([...versions].sort((a, b) => a - b));
      for (const message of stream.messages) {
        expect(Object.keys(message).sort()).to.deep.equal(['data', 'type']);
      }
    }
    // The driver's stream joins at the assignment (version 3); a change fanned out after it
    // (the burst) goes to the order's audience of that moment, which may already include it.
    const driverVersions = statusVersions(driverOnA);
    expect(driverVersions.filter((v: number) => v >= 3)).to.deep.equal([3, 4, 5, 6, 7]);
    expect(driverVersions).to.deep.equal([...new Set(driverVersions)].sort((a, b) => a - b));
    expect(driverOnA.of('driver_assigned')[0].driver).to.include({ id: driver.driver.id });
    const statusOf = (stream: PlainClient, version: number) =>
      stream.of('order_status_changed').find((d: { version: number }) => d.version === version);
    expect(statusOf(passengerOnB, 2)).to.include({
      status: 'matching',
      previous_status: 'submitted',
    });
    expect(statusOf(orderOnB, 3)).to.deep.equal({
      order_id: orderId,
      status: 'assigned',
      previous_status: 'matching',
      status_display: 'Водитель назначен',
      version: 3,
    });
    expect(statusOf(orderOnA, 3).status_display).to.equal('Driver assigned');
    expect(orderOnA.of('order_update').at(-1)).to.include({ status: 'completed', version: 7 });
    // Same node, same fan-out loop as streams that got everything: nothing came to others.
    expect(bobOnA.messages).to.deep.equal([]);
    expect(otherDriverOnB.messages).to.deep.equal([]);
  });

  it('when a driver is released from an order, then their order stream closes with 4003', async () => {
    const { alice, driver } = await world();
    const orderId = await createOrderIn(deps, alice.passenger);
    await move(orderId, 'assigned', driver.driver.id);
    const driverToken = await tokenFor(deps, driver.user);
    const followed = await connected(nodeB, `/ws/orders/${orderId}/`, driverToken);
    const ownStream = await connected(nodeA, `/ws/drivers/${driver.driver.id}/`, driverToken);
    await move(orderId, 'matching'); // withdrew
    expect(await followed.closed).to.deep.equal({ code: 4003, reason: 'not_in_scope' });
    await waitFor(() => statusVersions(ownStream).includes(4), 'the release on the own stream');
    // (The assignment itself may reach the stream after it opened: look at version 4.)
    const release = ownStream
      .of('order_status_changed')
      .find((d: { version: number }) => d.version === 4);
    expect(release).to.include({ status: 'matching', previous_status: 'assigned' });
    expect(ownStream.ws.readyState).to.equal(ownStream.ws.OPEN);
  });

  it('when the app logs out, then its connections on both nodes close with 4001 at once and another session stays', async () => {
    const { alice } = await world();
    const loggingOut = await tokenFor(deps, alice.user);
    const other = await tokenFor(deps, alice.user);
    const path = `/ws/passengers/${alice.passenger.id}/`;
    const onA = await connected(nodeA, path, loggingOut);
    const onB = await connected(nodeB, path, loggingOut);
    const sibling = await connected(nodeA, path, other);

    const res = await app.request('POST', '/api/auth/logout/', { token: loggingOut, body: {} });
    expect(res.status).to.equal(200);
    const closes = await Promise.all([onA.closed, onB.closed]);
    expect(closes).to.deep.equal([
      { code: 4001, reason: 'token_revoked' },
      { code: 4001, reason: 'token_revoked' },
    ]);
    // The sibling is still served: its ping is answered after the drop.
    sibling.send({ type: 'ping' });
    await waitFor(() => sibling.messages.length > 0, 'the sibling pong');
    expect(sibling.messages).to.deep.equal([{ type: 'pong' }]);
  });
});
