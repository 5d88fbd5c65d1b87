/**
 * `npm run bench:realtime`: 5,000 real socket.io clients over 2 real realtime nodes, on
 * loopback, against its own database and Redis prefix (BENCH_DATABASE_URL, BENCH_REDIS_PREFIX).
 *
 * Measures, in one run:
 *  - committed change → client: the delay from the COMMIT of an order transition to its
 *    `order_status_changed` on the passenger's socket (outbox → NOTIFY → relay in a worker
 *    process → BullMQ → a realtime node reads the order → gated publish → both nodes emit),
 *    paced and saturated, with the events per second delivered to all clients;
 *  - a bare message on the nodes' fan-out channel (no outbox, job or version gate) to the same
 *    rooms with the same payloads, paced and saturated, as the floor the pipeline is compared
 *    with;
 *  - driver locations per second accepted over sockets (`driver:location` acks).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { migrateLatest } from '../db/database.js';
import { loadConfig } from '../lib/config/config.js';
import { createDeps, closeDeps, type AppDeps } from '../lib/deps.js';
import { createLogger } from '../lib/logger/logger.js';
import { systemActor } from '../lib/auth/actor.js';
import { transitionOrder } from '../lib/orders/transition-order.js';
import { loadOrderView } from '../lib/orders/order-view.js';
import { passengerRoom, staffRoom } from '../lib/realtime/rooms.js';
import { publishFanout, type FanoutAction } from '../lib/realtime/fanout-channel.js';
import { resetState } from '../test/helpers/test-deps.js';
import { testEnv } from '../test/helpers/test-env.js';
import {
  connectClient,
  startRealtimeNode,
  whenConnected,
  type ClientSocket,
} from '../test/helpers/realtime-node.js';
import { seedBench, type BenchPassenger } from './realtime-fixtures.js';
import { measureLocations } from './realtime-locations.js';
import { startClientHosts } from './realtime-client-hosts.js';
import {
  hopBreakdown,
  printHops,
  printStalls,
  startHopProbe,
  watchOwnEventLoop,
  watchProcesses,
  type ProcessStalls,
} from './realtime-hops.js';
import {
  ms,
  Probe,
  progress,
  runInPool,
  runPhase,
  sleep,
  type PhaseResult,
} from './realtime-phases.js';

const totalClients = Number(process.env.BENCH_CLIENTS ?? 5000);
const staffCount = 10;
const driverCount = 50;
const pacedRate = 100; // changes per second
const pacedSeconds = 10;
const burstChanges = 2000;
const burstConcurrency = 32;
const committerPool = 12;

const env = {
  ...testEnv,
  DATABASE_URL:
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/invo_bench_rt',
  REDIS_PREFIX: process.env.BENCH_REDIS_PREFIX ?? 'invo-bench-rt',
  // PostgreSQL (100 connections) is shared with other suites on this host: small pools.
  DATABASE_POOL_MAX: '6',
  WORKER_METRICS_PORT: '0',
  // Drivers report back to back here, far above a real device's rate: no write limit.
  RATE_LIMIT_USER_WRITES_PER_MINUTE: '0',
};

/** The worker process and its metrics URL (read back from its start-up line). */
async function startWorker(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/worker.ts'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const line = chunk
        .toString()
        .split('\n')
        .find((l) => l.includes('worker running'));
      if (line) resolve((JSON.parse(line) as { metricsPort: number }).metricsPort);
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function connectAll(urls: string[], tokens: string[]): Promise<ClientSocket[]> {
  const sockets: ClientSocket[] = [];
  await runInPool(
    tokens.map((token, i) => ({ token, url: urls[i % urls.length]! })),
    200,
    async ({ token, url }) => {
      const socket = connectClient(url, token);
      sockets.push(socket);
      await whenConnected(socket);
    },
  );
  return sockets;
}

async function main() {
  // The committers (up to 32 at once) get their own, larger pool.
  const config = loadConfig({ ...env, DATABASE_POOL_MAX: String(committerPool) });
  await migrateLatest(config.databaseUrl);
  const deps: AppDeps = createDeps(config, createLogger({ level: 'warn', name: 'bench' }));
  await resetState(deps);
  const passengerCount = totalClients - staffCount - driverCount;
  const world = await seedBench(deps, {
    passengers: passengerCount,
    staff: staffCount,
    drivers: driverCount,
  });

  progress(`seeded; starting 2 realtime nodes and a worker`);
  const nodes = await Promise.all([startRealtimeNode(env), startRealtimeNode(env)]);
  const { child: worker, url: workerUrl } = await startWorker();
  const processes = watchProcesses([
    ...nodes.map((n, i) => ({ name: `realtime node ${i + 1}`, url: n.url })),
    { name: 'worker (outbox relay)', url: workerUrl },
  ]);
  const hopProbe = await startHopProbe(env);
  const urls = nodes.map((n) => n.url);
  const probe = new Probe();

  progress(`connecting ${totalClients} clients`);
  const t0 = performance.now();
  // Passengers live in child processes (BENCH_CLIENT_HOSTS, default 2): see realtime-client-host.
  const clientHosts = await startClientHosts(
    Number(process.env.BENCH_CLIENT_HOSTS ?? 2),
    world.passengers.map((p, i) => ({ token: p.token, url: urls[i % urls.length]! })),
    probe,
  );
  const staffSockets = await connectAll(
    urls,
    world.staff.map((s) => s.token),
  );
  const driverSockets = await connectAll(
    urls,
    world.drivers.map((d) => d.token),
  );
  const connectSeconds = (performance.now() - t0) / 1000;
  for (const socket of [...staffSockets, ...driverSockets]) {
    socket.onAny(() => probe.deliveries++);
  }

  // Each change: order_status_changed + order_update, to the passenger and every staff socket.
  const perChange = 2 * (1 + staffCount);
  const commit = async (target: BenchPassenger) => {
    await deps.db.transaction((trx) =>
      transitionOrder(
        trx,
        { orderId: target.orderId, to: 'awaiting_dispatcher_decision', actor: systemActor },
        new Date(),
        config.dispatch,
      ),
    );
    probe.sent(`${target.orderId}:2`, performance.now());
  };
  const hops: { table: Parameters<typeof printHops>; stalls: ProcessStalls[] }[] = [];
  const withHops = async (name: string, run: () => Promise<PhaseResult>) => {
    await processes.scrape();
    const loop = watchOwnEventLoop();
    const result = await run();
    const loopDelay = loop.stop();
    const stalls = await processes.scrape();
    const { rows, matched } = hopBreakdown(probe.samples, await hopProbe.report());
    hops.push({ table: [name, rows, matched, loopDelay], stalls });
    return result;
  };
  progress(`pipeline, paced`);
  // Disjoint orders per run; the last `driverCount` orders are the drivers' (see below).
  const usable = world.passengers.length - driverCount;
  const pacedCount = Math.min(pacedRate * pacedSeconds, Math.floor(usable / 3));
  const burstCount = Math.min(burstChanges, usable - pacedCount);
  const pipelinePaced = await withHops('pipeline, paced', () =>
    runPhase(
      probe,
      world.passengers.slice(0, pacedCount),
      perChange,
      { paced: true, perSecond: pacedRate, inFlight: committerPool },
      commit,
    ),
  );
  progress(`pipeline, saturated`);
  const pipelineBurst = await withHops('pipeline, saturated', () =>
    runPhase(
      probe,
      world.passengers.slice(pacedCount, pacedCount + burstCount),
      perChange,
      { paced: false, concurrency: burstConcurrency },
      commit,
    ),
  );

  // The plain emit: a bare message on the channel every node listens to, same rooms, same
  // payloads (the bench's own event names, hence the casts).
  const sample = await loadOrderView(deps.db.knex, world.passengers[0]!.orderId, 'en');
  let seq = 0;
  const emitPlain = async (target: BenchPassenger) => {
    const key = `plain-${seq++}`;
    const rooms = [passengerRoom(target.passengerId), staffRoom];
    probe.sent(key, performance.now());
    const ping = { key, status: 'awaiting_dispatcher_decision', version: 2 };
    await publishFanout(deps.redis, config.redis.prefix, [
      {
        type: 'emit',
        rooms,
        event: 'bench_ping',
        payload: { all: ping },
      } as unknown as FanoutAction,
      {
        type: 'emit',
        rooms,
        event: 'bench_order',
        payload: { all: sample },
      } as unknown as FanoutAction,
    ]);
  };
  await sleep(500);
  progress(`plain emit, paced`);
  const plainPaced = await runPhase(
    probe,
    world.passengers.slice(0, pacedCount),
    perChange,
    { paced: true, perSecond: pacedRate },
    emitPlain,
  );
  progress(`plain emit, saturated`);
  const plainBurst = await runPhase(
    probe,
    world.passengers.slice(pacedCount, pacedCount + burstCount),
    perChange,
    { paced: false, concurrency: burstConcurrency },
    emitPlain,
  );

  // Each bench driver drives to a pickup, so accepted points also feed driver_location.
  const driverOrders = world.passengers.slice(-driverCount);
  for (const [i, target] of driverOrders.entries()) {
    for (const to of ['awaiting_dispatcher_decision', 'assigned', 'driver_en_route'] as const) {
      await deps.db.transaction((trx) =>
        transitionOrder(
          trx,
          {
            orderId: target.orderId,
            to,
            actor: systemActor,
            ...(to === 'assigned' ? { patch: { driver_id: world.drivers[i]!.driverId } } : {}),
          },
          new Date(),
          config.dispatch,
        ),
      );
    }
  }
  await sleep(1000);
  progress(`driver locations`);
  const locations = await measureLocations(driverSockets, world.drivers, 10_000);

  const rows = [
    ['pipeline, paced 100 changes/s', pipelinePaced],
    [`pipeline, saturated (${burstConcurrency} committers)`, pipelineBurst],
    ['bare fan-out publish, paced 100/s', plainPaced],
    ['bare fan-out publish, saturated', plainBurst],
  ] as const;
  console.log(
    `\nmachine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (1/5/15 min) at the end`,
  );
  console.log(
    `\nclients: ${totalClients} (${passengerCount} passengers, ${staffCount} staff, ${driverCount} drivers) over 2 nodes; connected in ${connectSeconds.toFixed(1)} s`,
  );
  console.log('| run | p50 | p99 | changes/s fired | events/s delivered | all delivered |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, r] of rows) {
    console.log(
      `| ${name} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.changesPerSecond.toFixed(0)} | ${r.eventsPerSecond.toFixed(0)} | ${r.complete ? 'yes' : 'NO'} |`,
    );
  }
  for (const { table, stalls } of hops) {
    printHops(...table);
    printStalls(stalls);
  }
  console.log(
    `\ndriver:location over sockets: ${locations.acceptedPerSecond.toFixed(0)} accepted/s (${locations.drivers} drivers, ${locations.accepted} acks ok, ${locations.refused} refused, ${locations.timedOut} timed out, ack p50 ${ms(locations.p50)}, p99 ${ms(locations.p99)})`,
  );

  for (const socket of [...staffSockets, ...driverSockets]) socket.disconnect();
  await clientHosts.disconnect();
  await hopProbe.stop();
  worker.kill('SIGTERM');
  await once(worker, 'exit');
  await Promise.all(nodes.map((n) => n.stop()));
  await closeDeps(deps);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
