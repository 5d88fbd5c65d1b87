/**
 * `npm run bench:dispatch`: orders booked through the real HTTP API until the engine has
 * offered each one to a driver, with 10,000 online drivers in the position index and 2 real
 * worker processes (`bin/worker.ts`), against its own database and Redis prefix. Measured in
 * the same run, on the same machine, as the floors it is compared with:
 *  - booking → offer latency (p50, p99) and the sustained orders per second;
 *  - a raw BullMQ no-op job round trip (add → completed event), one at a time;
 *  - `pgbench` TPS (TPC-B-like durable write transactions) with the workers stopped.
 * Drivers never answer (the offer timeout is set past the run), so each order holds one driver.
 * Each policy of BENCH_POLICIES runs the same phases on a fresh fleet; batch mode's booking →
 * offer latency includes the wait for the next round (up to one DISPATCH_BATCH_WINDOW_MS).
 * Env: BENCH_DRIVERS (10000), BENCH_ORDERS (3000), BENCH_CONCURRENCY (64), BENCH_WORKERS (2),
 * BENCH_POLICIES (ranked,batch), BENCH_BATCH_WINDOW_MS (the default, 3000),
 * BENCH_PGBENCH_SECONDS (15), BENCH_DATABASE_URL, BENCH_REDIS_PREFIX.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { createHttpApp } from '../api/http/app.js';
import { ensureDatabaseExists, migrateLatest } from '../db/database.js';
import { loadConfig } from '../lib/config/config.js';
import { closeDeps, createDeps, type AppDeps } from '../lib/deps.js';
import { createLogger } from '../lib/logger/logger.js';
import { bullConnection, bullPrefix } from '../lib/queue/queues.js';
import { resetState } from '../test/helpers/test-deps.js';
import { testEnv } from '../test/helpers/test-env.js';
import { createPassenger, createRegion, tokenFor } from '../test/helpers/factories.js';
import { startWorkerProcess, type WorkerProcess } from '../test/helpers/worker-processes.js';
import { bookPaced, bookSaturated, center, waitForOffers, type Booking } from './dispatch-load.js';

const driverCount = Number(process.env.BENCH_DRIVERS ?? 10_000);
const orderCount = Number(process.env.BENCH_ORDERS ?? 3000);
const pacedCount = Number(process.env.BENCH_PACED_ORDERS ?? 200);
const pacedRate = Number(process.env.BENCH_PACED_RATE ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const workerCount = Number(process.env.BENCH_WORKERS ?? 2);
const pgbenchSeconds = Number(process.env.BENCH_PGBENCH_SECONDS ?? 15);
const policies = (process.env.BENCH_POLICIES ?? 'ranked,batch').split(',') as (
  'ranked' | 'batch'
)[];
const batchWindowMs = process.env.BENCH_BATCH_WINDOW_MS ?? '3000';
const databaseUrl =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/invo_bench_dispatch';
const prefix = process.env.BENCH_REDIS_PREFIX ?? 'invo-bench-dispatch';
/** pgbench's own database, named after the bench's, so two benches on one server stay apart. */
const pgbenchDatabasePath = `${new URL(databaseUrl).pathname}_pgbench`;

const env: NodeJS.ProcessEnv = {
  ...testEnv,
  DATABASE_URL: databaseUrl,
  REDIS_PREFIX: prefix,
  LOG_LEVEL: 'warn',
  DATABASE_POOL_MAX: '20',
  RATE_LIMIT_USER_WRITES_PER_MINUTE: '0',
  RATE_LIMIT_IP_WRITES_PER_MINUTE: '0',
  POSITION_FRESH_SECONDS: '3600',
  DISPATCH_OFFER_TIMEOUT_SECONDS: '3600',
  DISPATCH_BATCH_WINDOW_MS: batchWindowMs,
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** 10,000 drivers over about 110 × 105 km around Atyrau: a few hundred within 15 km of a pickup. */
async function seedDrivers(deps: AppDeps, regionId: string): Promise<void> {
  const now = new Date();
  const batch = 1000;
  for (let start = 0; start < driverCount; start += batch) {
    const n = Math.min(batch, driverCount - start);
    const users: { id: number }[] = await deps.db
      .knex('users')
      .insert(
        Array.from({ length: n }, (_, i) => {
          const phone = `+7702${String(start + i).padStart(7, '0')}`;
          return { phone, username: phone, role: 'driver' };
        }),
      )
      .returning('id');
    const drivers = users.map((user, i) => ({
      user_id: user.id,
      name: `Driver ${start + i}`,
      region_id: regionId,
      car_model: 'Hyundai Staria',
      plate_number: `B${start + i}`,
      capacity: 4,
      wheelchair_accessible: (start + i) % 5 === 0,
      is_online: true,
      status: 'online_idle',
      current_lat: center.lat + (Math.random() - 0.5),
      current_lon: center.lon + (Math.random() - 0.5) * 1.4,
      last_location_update: now,
    }));
    const ids: { id: number }[] = await deps.db.knex('drivers').insert(drivers).returning('id');
    await Promise.all(
      ids.map(({ id }, i) =>
        deps.positionIndex.upsert({
          driverId: id,
          lat: drivers[i]!.current_lat,
          lon: drivers[i]!.current_lon,
          recordedAt: now,
        }),
      ),
    );
  }
}

/** add → completed event of a job that does nothing, one at a time. */
async function measureRawBullmq(deps: AppDeps, jobs: number): Promise<number[]> {
  const connection = bullConnection(deps.config.redis);
  const options = { connection, prefix: bullPrefix(deps.config.redis, 'bench-noop') };
  const queue = new Queue('bench-noop', options);
  const events = new QueueEvents('bench-noop', options);
  const worker = new Worker('bench-noop', () => Promise.resolve(null), {
    ...options,
    concurrency: 1,
  });
  await Promise.all([events.waitUntilReady(), worker.waitUntilReady()]);
  const latencies: number[] = [];
  for (let i = 0; i < jobs; i++) {
    const t0 = performance.now();
    const job = await queue.add('noop', { i });
    await job.waitUntilFinished(events);
    latencies.push(performance.now() - t0);
  }
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return latencies.slice(Math.min(20, jobs / 10)).sort((a, b) => a - b);
}

function runPgbench(): number {
  const url = new URL(databaseUrl);
  url.pathname = pgbenchDatabasePath;
  const target = url.toString();
  execFileSync('pgbench', ['-i', '-s', '10', '-q', target], { stdio: 'ignore' });
  const out = execFileSync(
    'pgbench',
    ['-c', '8', '-j', '2', '-T', String(pgbenchSeconds), '-n', target],
    { encoding: 'utf8' },
  );
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
  if (!match) throw new Error(`pgbench said:\n${out}`);
  return Number(match[1]);
}

/** A fresh fleet and passengers (the state of the previous policy's run is wiped). */
async function seedRun(deps: AppDeps): Promise<string[]> {
  await resetState(deps);
  const region = await createRegion(deps, { id: 'atyrau', service_radius_meters: 80_000 });
  const seedStart = performance.now();
  await seedDrivers(deps, region.id);
  const tokens: string[] = [];
  for (let i = 0; i < 100; i++) {
    const { user } = await createPassenger(deps, region.id);
    tokens.push(await tokenFor(deps, user));
  }
  console.log(`seeded ${driverCount} drivers in ${ms(performance.now() - seedStart)}`);
  return tokens;
}

/** The paced and saturated phases under one policy; returns its rows (measure → value). */
async function runPolicy(
  deps: AppDeps,
  baseUrl: string,
  policy: 'ranked' | 'batch',
): Promise<{ rows: [string, string][]; pacedP50: number; sustained: number }> {
  const tokens = await seedRun(deps);
  const workers: WorkerProcess[] = await Promise.all(
    Array.from({ length: workerCount }, () =>
      startWorkerProcess({ ...env, DISPATCH_POLICY: policy, LOG_LEVEL: 'info' }),
    ),
  );
  const paced = await bookPaced(baseUrl, tokens, pacedCount, pacedRate);
  await waitForOffers(deps, pacedCount, 60_000);
  const runStart = Date.now();
  const bookings = await bookSaturated(baseUrl, tokens, orderCount, concurrency);
  const bookedMs = Date.now() - runStart;
  const offered = (await waitForOffers(deps, pacedCount + orderCount, 180_000)) - pacedCount;
  await Promise.all(workers.map((w) => w.kill('SIGTERM')));

  const offerTimes: { order_id: string; at: Date }[] = await deps.db
    .knex('offers')
    .select('order_id')
    .min({ at: 'created_at' })
    .groupBy('order_id');
  const offeredAt = new Map(offerTimes.map((o) => [o.order_id, o.at.getTime()]));
  // The engine's share alone: the order row's insert (its transaction start) → the offer's.
  const orderRows: { id: string; created_at: Date }[] = await deps.db
    .knex('orders')
    .select('id', 'created_at');
  const createdAt = new Map(orderRows.map((o) => [o.id, o.created_at.getTime()]));
  const sorted = (values: number[]) =>
    values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const toOffer = (list: Booking[]) =>
    sorted(list.map((b) => (offeredAt.get(b.orderId) ?? NaN) - b.startedAt));
  const engineOf = (list: Booking[]) =>
    sorted(list.map((b) => (offeredAt.get(b.orderId) ?? NaN) - (createdAt.get(b.orderId) ?? NaN)));
  const pacedLatency = toOffer(paced);
  const lastOffer = Math.max(...bookings.map((b) => offeredAt.get(b.orderId) ?? 0));
  const sustained = (offered / (lastOffer - runStart)) * 1000;
  const pair = (list: number[]) => `${ms(percentile(list, 0.5))} / ${ms(percentile(list, 0.99))}`;
  const rows: [string, string][] = [
    ['paced: booking → offered, p50 / p99', pair(pacedLatency)],
    [
      'paced: order written → offered (relay + job or round + engine), p50 / p99',
      pair(engineOf(paced)),
    ],
    ['paced: booking HTTP response, p50 / p99', pair(sorted(paced.map((b) => b.respondedMs)))],
    ['saturated: orders offered', `${offered} of ${orderCount}`],
    ['saturated: sustained orders/s (first booking → last offer)', sustained.toFixed(0)],
    ['saturated: bookings/s (API alone)', ((orderCount / bookedMs) * 1000).toFixed(0)],
    ['saturated: booking → offered, p50 / p99 (includes queueing)', pair(toOffer(bookings))],
    ['saturated: order written → offered, p50 / p99', pair(engineOf(bookings))],
    [
      'saturated: booking HTTP response, p50 / p99',
      pair(sorted(bookings.map((b) => b.respondedMs))),
    ],
  ];
  return { rows, pacedP50: percentile(pacedLatency, 0.5), sustained };
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  await migrateLatest(databaseUrl);
  const pgbenchUrl = new URL(databaseUrl);
  pgbenchUrl.pathname = pgbenchDatabasePath;
  await ensureDatabaseExists(pgbenchUrl.toString());
  const config = loadConfig(env);
  const deps = createDeps(config, createLogger({ level: 'warn', name: 'bench' }));

  const raw = await measureRawBullmq(deps, 300);
  const rawP50 = percentile(raw, 0.5);
  console.log(`raw BullMQ round trip p50 ${ms(rawP50)} p99 ${ms(percentile(raw, 0.99))}`);

  const handler = createHttpApp(deps).app.callback();
  const server = createServer((req, res) => void handler(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const results: ({ policy: string } & Awaited<ReturnType<typeof runPolicy>>)[] = [];
  for (const policy of policies) {
    console.log(`policy ${policy}…`);
    results.push({ policy, ...(await runPolicy(deps, baseUrl, policy)) });
  }
  server.close();
  const tps = runPgbench();
  const row = (measure: string, values: string[]) => `| ${measure} | ${values.join(' | ')} |`;
  const lines = [
    `Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end.`,
    `${driverCount} online drivers, ${workerCount} worker processes; per policy ${pacedCount} orders paced at ${pacedRate}/s, then ${orderCount} orders from ${concurrency} booking clients as fast as they go. Batch window ${batchWindowMs} ms.`,
    '',
    row(
      'measure',
      results.map((r) => r.policy),
    ),
    row(
      '---',
      results.map(() => '---'),
    ),
    ...results[0]!.rows.map(([measure], i) =>
      row(
        measure,
        results.map((r) => r.rows[i]![1]),
      ),
    ),
    row(
      'raw BullMQ no-op round trip, p50',
      results.map(() => ms(rawP50)),
    ),
    row(
      'paced p50 / raw round trip (target ≤ 10×)',
      results.map((r) => `${(r.pacedP50 / rawP50).toFixed(1)}×`),
    ),
    row(
      `pgbench TPS (TPC-B-like, 8 clients, ${pgbenchSeconds} s)`,
      results.map(() => tps.toFixed(0)),
    ),
    row(
      'sustained orders/s as a share of pgbench TPS',
      results.map((r) => `${((r.sustained / tps) * 100).toFixed(1)} %`),
    ),
  ];
  console.log(`\n${lines.join('\n')}`);
  await closeDeps(deps);
}

await main();
process.exit(0);
