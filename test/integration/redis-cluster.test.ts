/**
 * Every part on a Redis Cluster (REDIS_CLUSTER_NODES, no REDIS_URL): a private 3-master
 * cluster, a real web process, two worker processes and two realtime nodes. A whole ride goes
 * through them with the passenger's and the driver's sockets on different nodes; then a rate
 * limit, a logout dropping a socket on the other node, Bull Board's queue list, and where the
 * queues' keys landed (hash-tagged per queue: spread over the masters, each queue whole on one).
 *
 * Ports: REDIS_CLUSTER_TEST_PORT … +2 (default 7601–7603).
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { queueNames } from '../../lib/queue/queue-names.js';
import {
  fanoutChannel,
  publishFanout,
  subscribeFanout,
  type FanoutAction,
} from '../../lib/realtime/fanout-channel.js';
import { driverRoom } from '../../lib/realtime/rooms.js';
import { createRedis, type Redis } from '../../lib/redis/redis.js';
import { Cluster } from 'ioredis';
import { pickup } from '../helpers/dispatch-fixtures.js';
import {
  createDriver,
  createPassenger,
  createRegion,
  createUser,
  tokenFor,
} from '../helpers/factories.js';
import { pollUntil } from '../helpers/poll-until.js';
import { startRealtimeNode, type RealtimeNode } from '../helpers/realtime-node.js';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster.js';
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
import { testConfig } from '../helpers/test-env.js';
import { startWorkerProcess } from '../helpers/worker-processes.js';

const basePort = Number(process.env.REDIS_CLUSTER_TEST_PORT ?? 7601);
const prefix = `${process.env.TEST_REDIS_PREFIX ?? 'invo-test'}-cluster`;
const passengerPhone = '+77777777777';
const driverPhone = '+77010000031';
const codeOf = (phone: string) => phone.slice(-6);
const writesPerMinute = 30;

/** About `m` metres north of `from`. */
const metresNorth = (from: { lat: number; lon: number }, m: number) => ({
  lat: Number((from.lat + m / 111_200).toFixed(6)),
  lon: from.lon,
});

describe('Redis Cluster: a whole ride with every part on a 3-master cluster', function () {
  this.timeout(180_000);
  let cluster: RedisCluster;
  let deps: AppDeps;
  let redis: Redis;
  let web: ServiceProcess;
  let nodes: RealtimeNode[] = [];
  let api: ApiClient;
  const stops: (() => Promise<void>)[] = [];
  const sockets: RecordingSocket[] = [];
  const logs: (() => string)[] = [];
  /** The ride's driver, still connected to node A after it. */
  let rideDriver: { id: number; socket: RecordingSocket } | undefined;

  before(async () => {
    cluster = await startRedisCluster(basePort);
    // PostgreSQL (and the standalone test Redis, untouched here) through the usual deps.
    deps = createTestDeps({ DATABASE_POOL_MAX: '3' });
    await resetState(deps);
    const env: NodeJS.ProcessEnv = {
      REDIS_URL: undefined,
      REDIS_CLUSTER_NODES: cluster.nodes,
      REDIS_PREFIX: prefix,
      HOST: '127.0.0.1',
      DATABASE_POOL_MAX: '3',
      OTP_TEST_NUMBERS: [passengerPhone, driverPhone].map((p) => `${p}:${codeOf(p)}`).join(','),
      RATE_LIMIT_USER_WRITES_PER_MINUTE: String(writesPerMinute),
      // Only the revocation channel can drop the logged-out socket within the test.
      REALTIME_SESSION_CHECK_SECONDS: '3600',
      REALTIME_LOCATION_THROTTLE_MS: '0',
    };
    redis = createRedis(testConfig(env).redis);
    // The realtime nodes first: their helper allows 20 s to start, which four other tsx
    // processes starting beside them on a loaded machine can overrun.
    nodes = await Promise.all([startRealtimeNode(env), startRealtimeNode(env)]);
    for (const node of nodes) stops.push(() => node.stop());
    const workers = await Promise.all([
      startWorkerProcess(env, 60_000),
      startWorkerProcess(env, 60_000),
    ]);
    for (const worker of workers) {
      stops.push(() => worker.kill());
      logs.push(() => worker.output());
    }
    web = await startServiceProcess('bin/web.ts', 'web listening', { ...env, PORT: '0' }, 60_000);
    stops.push(async () => {
      web.child.kill('SIGTERM');
      await web.exited;
    });
    logs.push(() => web.lines.join('\n'));
    api = apiClient(`http://127.0.0.1:${web.port}`);
  });

  after(async () => {
    for (const s of sockets.splice(0)) s.socket.disconnect();
    await Promise.all(stops.splice(0).map((stop) => stop()));
    redis?.disconnect();
    if (deps) await closeDeps(deps);
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    const warnings = (text: string) =>
      text.split('\n').filter((line) => /"level":(40|50|60)/.test(line));
    console.log(logs.flatMap((log) => warnings(log())).join('\n'));
  });

  it('when a passenger books, then the driver on one node and the passenger on the other see the whole ride', async () => {
    const region = await createRegion(deps, { center_lat: pickup.lat, center_lon: pickup.lon });
    await createPassenger(deps, region.id, { phone: passengerPhone, mobility_aid: 'none' });
    const offline = {
      is_online: false,
      current_lat: null,
      current_lon: null,
      last_location_update: null,
    };
    await createDriver(deps, region.id, { ...offline, phone: driverPhone });

    // The driver's app, on node A: OTP login (the verify limits' keys), online, a position.
    const driverLogin = await loginByOtp(api, driverPhone, codeOf(driverPhone));
    const driverSocket = await connectRecording(nodes[0]!.url, driverLogin.access);
    sockets.push(driverSocket);
    const driverId = driverLogin.driver_id!;
    rideDriver = { id: driverId, socket: driverSocket };
    const write = async (method: string, url: string, body: object, token: string) => {
      const res = await api.call(method, url, body, token);
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).to.equal(200);
      return res;
    };
    await write(
      'PATCH',
      `/api/drivers/${driverId}/online-status/`,
      { is_online: true },
      driverLogin.access,
    );
    await write(
      'PATCH',
      `/api/drivers/${driverId}/location/`,
      metresNorth(pickup, 300),
      driverLogin.access,
    );

    // The passenger's app, on node B.
    const passengerLogin = await loginByOtp(api, passengerPhone, codeOf(passengerPhone));
    const passengerSocket = await connectRecording(nodes[1]!.url, passengerLogin.access);
    sockets.push(passengerSocket);
    const created = await api.call(
      'POST',
      '/api/orders/',
      {
        pickup_title: 'Home',
        dropoff_title: 'Clinic',
        pickup_lat: pickup.lat,
        pickup_lon: pickup.lon,
        dropoff_lat: pickup.lat + 0.02,
        dropoff_lon: pickup.lon + 0.03,
      },
      passengerLogin.access,
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const orderId = created.body.id as string;
    const ack = await passengerSocket.socket
      .timeout(5000)
      .emitWithAck('subscribe', { order_id: orderId });
    expect(ack.ok, JSON.stringify(ack)).to.equal(true);

    const offers = () => driverSocket.of('new_offer').filter((o) => o.order_id === orderId);
    await waitFor(() => offers().length === 1, 'the offer on the driver socket (node A)');
    const offer = offers()[0];
    await write('POST', `/api/dispatch/offers/${offer.id}/accept/`, {}, driverLogin.access);
    await waitFor(
      () => passengerSocket.of('driver_assigned').length === 1,
      'driver_assigned on the passenger socket (node B)',
    );

    const setStatus = (status: string) =>
      write('PATCH', `/api/orders/${orderId}/status/`, { status }, driverLogin.access);
    await setStatus('driver_en_route');
    await write(
      'PATCH',
      `/api/drivers/${driverId}/location/`,
      metresNorth(pickup, 30),
      driverLogin.access,
    );
    await waitFor(
      () => passengerSocket.of('driver_location').length >= 1,
      'a driver_location on the passenger socket',
    );
    await setStatus('arrived_waiting');
    await setStatus('ride_ongoing');
    await setStatus('completed');

    await waitFor(
      () => passengerSocket.of('order_status_changed').some((c) => c.status === 'completed'),
      'completed on the passenger socket',
    );
    const seen = passengerSocket.of('order_status_changed');
    // Each version once, in order, across the nodes (the gate and channel on one master).
    expect(seen.map((c) => [c.version, c.status])).to.deep.equal([
      [1, 'submitted'],
      [2, 'matching'],
      [3, 'offered'],
      [4, 'assigned'],
      [5, 'driver_en_route'],
      [6, 'arrived_waiting'],
      [7, 'ride_ongoing'],
      [8, 'completed'],
    ]);
    expect(passengerSocket.of('driver_arrived')).to.have.length(1);
  });

  it('when a user writes past the per-minute limit, then the cluster-kept counter answers 429', async () => {
    const staff = await createUser(deps, 'dispatcher');
    const token = await tokenFor(deps, staff);
    const statuses: number[] = [];
    for (let i = 0; i <= writesPerMinute; i++) {
      statuses.push((await api.call('POST', '/api/orders/', {}, token)).status);
    }
    expect(statuses.slice(0, writesPerMinute)).to.not.include(429);
    expect(statuses[writesPerMinute]).to.equal(429);
  });

  it('when a passenger logs out on the web, then their socket on a realtime node drops at once', async () => {
    const login = await loginByOtp(api, passengerPhone, codeOf(passengerPhone));
    const onA = await connectRecording(nodes[0]!.url, login.access);
    const onB = await connectRecording(nodes[1]!.url, login.access);
    sockets.push(onA, onB);
    const res = await api.call('POST', '/api/auth/logout/', {}, login.access);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    await pollUntil(
      () => !onA.socket.connected && !onB.socket.connected,
      10_000,
      'the logged-out sockets on both nodes to drop',
    );
  });

  it("when staff open Bull Board's API, then it lists every queue", async () => {
    const token = await tokenFor(deps, await createUser(deps, 'admin'));
    const res = await api.call('GET', '/admin/queues/api/queues', undefined, token);
    expect(res.status).to.equal(200);
    const names = (res.body as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names.sort()).to.deep.equal(Object.values(queueNames).sort());
  });

  it("when the queues' keys are looked up node by node, then each queue is whole on one master and the queues span several", async () => {
    expect(redis).to.be.instanceOf(Cluster);
    const masters = (redis as Cluster).nodes('master');
    expect(masters).to.have.length(3);
    const holders = new Map<string, Set<number>>();
    for (const node of masters) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:bull:*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          const queue = /:bull:\{([^}]+)\}:/.exec(key)?.[1] ?? `untagged ${key}`;
          const ports = holders.get(queue) ?? new Set<number>();
          ports.add(node.options.port!);
          holders.set(queue, ports);
        }
      } while (cursor !== '0');
    }
    expect([...holders.keys()].sort()).to.deep.equal(Object.values(queueNames).sort());
    for (const [queue, ports] of holders) expect([...ports], queue).to.have.length(1);
    const used = new Set([...holders.values()].flatMap((ports) => [...ports]));
    expect(used.size).to.be.greaterThan(1);
    // And CLUSTER KEYSLOT agrees: one slot per queue, not one for all.
    const slots = await Promise.all(
      Object.values(queueNames).map((queue) =>
        redis.cluster('KEYSLOT', `${prefix}:bull:{${queue}}:${queue}:meta`),
      ),
    );
    expect(new Set(slots).size).to.equal(Object.values(queueNames).length);
  });

  it('when the master holding the fan-out channel restarts empty, then the nodes subscribe again by themselves and events flow', async () => {
    expect(rideDriver, 'the ride story ran first').to.not.equal(undefined);
    const settings = testConfig({
      REDIS_URL: undefined,
      REDIS_CLUSTER_NODES: cluster.nodes,
      REDIS_PREFIX: prefix,
    }).redis;
    const slot = Number(await redis.cluster('KEYSLOT', fanoutChannel(prefix)));
    const holder = (redis as Cluster).slots[slot]?.[0] ?? '';
    const port = Number(holder.split(':')[1]);
    expect(cluster.ports).to.include(port);
    const heard: string[] = [];
    const subscription = subscribeFanout(settings, (raw) => heard.push(raw));
    try {
      await subscription.ready;
      await cluster.restartNode(port);
      const backAt = Date.now();
      // Published until it arrives: the subscribers' own reconnect decides when that is.
      let sent = 0;
      await pollUntil(
        async () => {
          const probe = {
            type: 'emit',
            rooms: [driverRoom(rideDriver!.id)],
            event: 'cluster_probe',
            payload: { all: { n: sent++ } },
          };
          await publishFanout(redis, prefix, [probe as unknown as FanoutAction]).catch(
            () => undefined,
          );
          return rideDriver!.socket.of('cluster_probe').length > 0 && heard.length > 0;
        },
        30_000,
        'a fan-out message after the restart, on node A and in this process',
      );
      console.log(
        `      fan-out flowed again ${Date.now() - backAt} ms after the master (${holder}) was back`,
      );
    } finally {
      await subscription.close();
    }
  });
});
