/**
 * Chaos: a passenger's socket is connected to a real realtime node when Redis is killed and
 * comes back empty. After re-subscribing, the client still gets every later change of its
 * order, each version once (the relay's Redis client, the realtime queue and the fan-out
 * channel all reconnect on their own).
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
import { passengerRoom } from '../../../lib/realtime/rooms.js';

const port = Number(process.env.CHAOS_REDIS_PORT_REALTIME ?? 7413);

describe('chaos: realtime across a Redis restart', function () {
  this.timeout(90_000);
  let redis: PrivateRedis;
  let deps: AppDeps;
  let relay: OutboxRelay;
  let deliveryRetries: Worker[];
  let node: RealtimeNode;
  let socket: ClientSocket | undefined;

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
    node = await startRealtimeNode({ REDIS_URL: redis.url });
  });
  after(async () => {
    socket?.close();
    await node.stop();
    await relay.stop();
    await Promise.all(deliveryRetries.map((worker) => worker.close()));
    await closeDeps(deps);
    await redis.stop();
  });

  it('when Redis restarts empty, then a re-subscribed client gets the later changes, each once', async () => {
    const region = await createRegion(deps, { id: 'atyrau' });
    const { user, passenger } = await createPassenger(deps, region.id);
    // Booked, then moved by hand only: its dispatch job is queued, but no dispatch worker
    // runs here, so no change but ours is made beside them.
    const orderId = await createOrderIn(deps, passenger);
    const versions: number[] = [];
    socket = connectClient(node.url, await tokenFor(deps, user), { reconnection: true });
    socket.on('order_status_changed', (payload) => versions.push(payload.version));
    await whenConnected(socket);
    const subscribe = async () => {
      const ack = (await socket!.timeout(3000).emitWithAck('subscribe', { order_id: orderId })) as {
        ok: boolean;
      };
      expect(ack.ok).to.equal(true);
    };
    await subscribe();
    const move = (to: OrderStatus) => moveOrder(deps, orderId, to);
    const { order: before } = await move('awaiting_dispatcher_decision');
    await pollUntil(() => versions.includes(before.version), 10_000, 'the change before');

    await redis.kill();
    await redis.start();
    const back = Date.now();
    // The client re-subscribes (as apps do on any doubt); the socket itself may have stayed up.
    await pollUntil(
      async () => {
        try {
          await whenConnected(socket!);
          await subscribe();
          return true;
        } catch {
          return false;
        }
      },
      10_000,
      're-subscription',
    );
    // The node's own channel subscription comes back on its own reconnect, which may lag the
    // socket's: a marker through the channel that reaches the socket shows it is back (a
    // change published before that would reach no node; the client's snapshot covers it).
    const markers: string[] = [];
    socket.on('offer_closed', (payload) => markers.push(payload.order_id));
    await pollUntil(
      async () => {
        const probe = await sendFanoutMarker(deps, [passengerRoom(passenger.id)]);
        return pollUntil(() => markers.includes(probe), 500, 'probe').then(
          () => true,
          () => false,
        );
      },
      10_000,
      'the fan-out channel back on the node',
    );
    const { order: after } = await move('cancelled');
    await pollUntil(() => versions.includes(after.version), 15_000, 'the change after');
    const deliveredMs = Date.now() - back;
    // A later marker through the fan-out channel: a duplicate published before it shows by now.
    const marker = await sendFanoutMarker(deps, [passengerRoom(passenger.id)]);
    await pollUntil(() => markers.includes(marker), 15_000, 'the marker after the change');
    expect(versions.filter((v) => v === after.version)).to.have.length(1);
    expect(versions.filter((v) => v === before.version)).to.have.length(1);
    console.log(
      `      redis restarted empty: the next change reached the client ${deliveredMs} ms after Redis returned`,
    );
  });
});
