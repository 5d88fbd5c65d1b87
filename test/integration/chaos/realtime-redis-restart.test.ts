/**
 * Chaos: a passenger's socket is connected to a real realtime node when Redis is killed and
 * comes back empty. The node reaches Redis through a proxy that keeps it cut off a while
 * longer, and a change is published in that gap (which reaches no socket of the node): when
 * the node's fan-out subscription is back it sends `resync`, the client re-subscribes and
 * the snapshot holds the missed change; later changes arrive each once (the relay's Redis
 * client, the realtime queue and the fan-out channel all reconnect on their own).
 *
 * Its own redis-server on a spare loopback port; PostgreSQL is the shared test database.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../../lib/deps.js';
import type { OrderStatus } from '../../../lib/orders/order-status.js';
import type { Worker } from 'bullmq';
import { startOutboxRelay, type OutboxRelay } from '../../../lib/outbox/outbox-relay.js';
import { startQueueWorkers } from '../../../workers/processors.js';
import { createOrderIn, moveOrder } from '../../helpers/dispatch-fixtures.js';
import { createPassenger, createRegion, tokenFor } from '../../helpers/factories.js';
import { pollUntil } from '../../helpers/poll-until.js';
import { privateRedis, type PrivateRedis } from '../../helpers/private-redis.js';
import {
  connectClient,
  startRealtimeNode,
  whenConnected,
  type ClientSocket,
  type RealtimeNode,
} from '../../helpers/realtime-node.js';
import { closeDeps, createTestDeps, resetState } from '../../helpers/test-deps.js';
import { sendFanoutMarker } from '../../helpers/fanout-marker.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';
import { connectPlain, type PlainClient } from '../../helpers/plain-ws-client.js';
import { passengerRoom } from '../../../lib/realtime/rooms.js';
import { lastEmittedOrderVersion } from '../../../lib/realtime/fanout-channel.js';
import type { OrderView } from '../../../lib/orders/order-view.js';

const port = Number(process.env.CHAOS_REDIS_PORT_REALTIME ?? 7413);

describe('chaos: realtime across a Redis restart', function () {
  this.timeout(90_000);
  let redis: PrivateRedis;
  let deps: AppDeps;
  let relay: OutboxRelay;
  let deliveryRetries: Worker[];
  let node: RealtimeNode;
  /** Between the node and Redis: the node alone can be kept away from Redis. */
  let nodeLink: TcpProxy;
  let socket: ClientSocket | undefined;
  /** An original app's plain order stream on the same node: re-sent its snapshot instead. */
  let plain: PlainClient | undefined;

  before(async () => {
    redis = privateRedis(port);
    await redis.start();
    deps = createTestDeps({ REDIS_URL: redis.url });
    await resetState(deps);
    relay = await startOutboxRelay(
      { ...deps, databaseUrl: deps.config.databaseUrl },
      { sweepIntervalMs: 200 },
    );
    // As in the worker process: a direct delivery that fails around the restart is retried
    // as a `realtime` job.
    deliveryRetries = startQueueWorkers(deps, ['realtime']);
    nodeLink = await startTcpProxy(redis.port);
    node = await startRealtimeNode({ REDIS_URL: `redis://127.0.0.1:${nodeLink.port}` });
  });
  after(async () => {
    socket?.close();
    plain?.ws.close();
    await node.stop();
    await nodeLink.close();
    await relay.stop();
    await Promise.all(deliveryRetries.map((worker) => worker.close()));
    await closeDeps(deps);
    await redis.stop();
  });

  it('when Redis restarts empty and a change is published before the node listens again, then the resync recovers it and later changes come once', async () => {
    const region = await createRegion(deps, { id: 'atyrau' });
    const { user, passenger } = await createPassenger(deps, region.id);
    // Booked, then moved by hand only: its dispatch job is queued, but no dispatch worker
    // runs here, so no change but ours is made beside them.
    const orderId = await createOrderIn(deps, passenger);
    const versions: number[] = [];
    socket = connectClient(node.url, await tokenFor(deps, user), { reconnection: true });
    socket.on('order_status_changed', (payload) => versions.push(payload.version));
    await whenConnected(socket);
    const snapshots: OrderView[] = [];
    const subscribe = async () => {
      const ack = (await socket!.timeout(3000).emitWithAck('subscribe', { order_id: orderId })) as
        { ok: true; order: OrderView } | { ok: false };
      expect(ack.ok).to.equal(true);
      if (ack.ok) snapshots.push(ack.order);
    };
    // As a client should: on `resync`, re-subscribe to the order on screen.
    let resyncs = 0;
    socket.on('resync', () => {
      resyncs += 1;
      void subscribe();
    });
    await subscribe();
    plain = connectPlain(node.url, `/ws/orders/${orderId}/`, await tokenFor(deps, user));
    await plain.opened;
    const plainVersions = () => plain!.of('order_update').map((o: OrderView) => o.version);
    await pollUntil(() => plainVersions().length > 0, 10_000, 'the plain stream snapshot');
    const move = (to: OrderStatus) => moveOrder(deps, orderId, to);
    const { order: before } = await move('awaiting_dispatcher_decision');
    await pollUntil(() => versions.includes(before.version), 10_000, 'the change before');

    nodeLink.cut();
    await redis.kill();
    await redis.start();
    const back = Date.now();
    // Redis is back for the relay, not yet for the node: this change reaches none of its sockets.
    const { order: missed } = await move('matching');
    await pollUntil(
      async () =>
        (await lastEmittedOrderVersion(deps.redis, deps.config.redis.prefix, orderId)) ===
        missed.version,
      15_000,
      'the missed change published',
    );
    nodeLink.restore();
    // The node's subscription is back: it tells the socket (which never dropped) to resync,
    // and the re-subscribe's snapshot holds what the socket missed.
    await pollUntil(
      () => snapshots.some((order) => order.version === missed.version),
      15_000,
      'the resync and its snapshot',
    );
    expect(resyncs).to.equal(1);
    expect(snapshots.at(-1)).to.deep.include({ status: 'matching', version: missed.version });
    await pollUntil(
      () => plainVersions().includes(missed.version),
      15_000,
      'the plain stream re-sent its snapshot',
    );
    // Published before the node listened again: never emitted to the socket.
    expect(versions).to.not.include(missed.version);
    const markers: string[] = [];
    socket.on('offer_closed', (payload) => markers.push(payload.order_id));
    const { order: after } = await move('cancelled');
    await pollUntil(() => versions.includes(after.version), 15_000, 'the change after');
    const deliveredMs = Date.now() - back;
    // A later marker through the fan-out channel: a duplicate published before it shows by now.
    const marker = await sendFanoutMarker(deps, [passengerRoom(passenger.id)]);
    await pollUntil(() => markers.includes(marker), 15_000, 'the marker after the change');
    expect(versions.filter((v) => v === after.version)).to.have.length(1);
    expect(versions.filter((v) => v === before.version)).to.have.length(1);
    expect(versions).to.not.include(missed.version);
    expect(resyncs).to.equal(1);
    console.log(
      `      redis restarted empty: the missed change reached the client by resync, the next one ${deliveredMs} ms after Redis returned`,
    );
  });
});
