/**
 * `npm run bench:location`: driver location updates ingested per second through the REST
 * endpoint `PATCH /api/drivers/{id}/location/` (a real web process: auth, validation, write
 * rate limiter, the conditional UPDATE in PostgreSQL, the position index upsert), with a
 * position-index follower running in this process all along; then checks the index is exact
 * (every driver's indexed position equals the database's, in the live follower and in a fresh
 * mirror). In the same run, as baselines: the index upsert path alone (Lua script, 64 in
 * flight) and raw pipelined Redis HSETs.
 * Own database and Redis prefix (BENCH_DATABASE_URL, BENCH_REDIS_PREFIX), loopback, bounded.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { migrateLatest } from '../db/database.js';
import { loadConfig } from '../lib/config/config.js';
import { closeDeps, createDeps } from '../lib/deps.js';
import { createRedisDriverPositionIndex } from '../lib/geo/driver-position-index.js';
import { createLogger } from '../lib/logger/logger.js';
import { redisKey } from '../lib/redis/redis.js';
import { createDriver, createRegion, tokenFor } from '../test/helpers/factories.js';
import { resetState } from '../test/helpers/test-deps.js';
import { testEnv } from '../test/helpers/test-env.js';
import { driverPositions, jitter, loadTrips, seededRandom } from './nyc-trips.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const driverCount = Number(process.env.BENCH_LOCATION_DRIVERS ?? 1000);
const maxUpdates = Number(process.env.BENCH_LOCATION_UPDATES ?? 20_000);
const maxSeconds = Number(process.env.BENCH_LOCATION_SECONDS ?? 20);
const inFlight = 64;
const env = {
  ...testEnv,
  DATABASE_URL:
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/invo_bench_geo',
  REDIS_PREFIX: process.env.BENCH_REDIS_PREFIX ?? 'invo-bench-location',
  DATABASE_POOL_MAX: '20',
  // Measure ingest capacity, not the per-driver limit (the limiter still runs on every write).
  RATE_LIMIT_USER_WRITES_PER_MINUTE: '1000000',
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
}

async function startWeb(port: number) {
  // BENCH_WEB_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the web process.
  const nodeArgs = process.env.BENCH_WEB_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bin/web.ts'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return { child, baseUrl };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error('web process did not start');
}

/** Runs `task` with `inFlight` at a time until `count` are done or time is up. */
async function runPool(count: number, seconds: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count && performance.now() < deadline) await task(next++);
    }),
  );
  return { done: Math.min(next, count), ms: performance.now() - start };
}

const config = loadConfig(env);
const deps = createDeps(config, createLogger({ level: 'silent', name: 'bench' }));
const trips = loadTrips();
console.log(
  `bench:location — ${new Date().toISOString()} — ${os.cpus().length} cores, node ${process.version}, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
let web: Awaited<ReturnType<typeof startWeb>> | undefined;
try {
  await migrateLatest(config.databaseUrl);
  await resetState(deps);
  const region = await createRegion(deps, { id: 'nyc', center_lat: 40.75, center_lon: -73.98 });
  const starts = driverPositions(trips, driverCount);
  const drivers: { id: number; token: string; lat: number; lon: number }[] = [];
  for (const start of starts) {
    const { user, driver } = await createDriver(deps, region.id, {
      current_lat: null,
      current_lon: null,
      last_location_update: null,
    });
    drivers.push({ ...start, id: driver.id, token: await tokenFor(deps, user) });
  }

  // A follower that is live during the whole run, as a dispatch worker's would be.
  const follower = createRedisDriverPositionIndex(deps.redis, config.redis.prefix);
  await follower.sync();
  web = await startWeb(await freePort());
  const random = seededRandom(7);
  const latencies: number[] = [];
  let refused = 0;
  const send = async (i: number) => {
    const d = drivers[i % drivers.length]!;
    Object.assign(d, jitter(d, 30, random));
    const t0 = performance.now();
    const res = await fetch(`${web!.baseUrl}/api/drivers/${d.id}/location/`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${d.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lat: d.lat, lon: d.lon, recorded_at: new Date().toISOString() }),
    });
    await res.arrayBuffer();
    latencies.push(performance.now() - t0);
    if (res.status !== 200) refused++;
  };
  await runPool(500, 30, send); // warm-up: JIT, connection pools
  // One request at a time: the service time of one update, without queueing.
  latencies.length = 0;
  const serialStart = performance.now();
  for (let i = 0; i < 200; i++) await send(i);
  const serialMs = performance.now() - serialStart;
  const serial = [...latencies].sort((a, b) => a - b);
  latencies.length = 0;
  refused = 0;
  const rest = await runPool(maxUpdates, maxSeconds, send);

  // Exactness: the live follower and a fresh mirror both equal the database.
  const everything = { lat: 40.75, lon: -73.98, radiusMeters: 20_000_000, freshSince: new Date(0) };
  const rows: { id: number; current_lat: number; current_lon: number }[] = await deps.db
    .knex('drivers')
    .select('id', 'current_lat', 'current_lon');
  const dbAt = new Map(rows.map((r) => [r.id, `${r.current_lat},${r.current_lon}`]));
  const mismatches = async (index: typeof follower) => {
    await index.sync();
    const found = await index.nearby(everything);
    const indexed = new Map(found.map((f) => [f.driverId, `${f.lat},${f.lon}`]));
    return (
      rows.filter((r) => dbAt.get(r.id) !== indexed.get(r.id)).length +
      Math.max(0, found.length - rows.length)
    );
  };
  const fresh = createRedisDriverPositionIndex(deps.redis, config.redis.prefix);
  const followerMismatches = await mismatches(follower);
  const freshMismatches = await mismatches(fresh);
  await follower.close();
  await fresh.close();

  // Baselines, same run: the index upsert path alone, then raw pipelined HSETs.
  const scratchPrefix = `${config.redis.prefix}-scratch`;
  const scratch = createRedisDriverPositionIndex(deps.redis, scratchPrefix);
  const upserts = await runPool(maxUpdates, maxSeconds, async (i) => {
    const d = drivers[i % drivers.length]!;
    await scratch.upsert({
      driverId: d.id,
      lat: d.lat,
      lon: d.lon + i * 1e-7,
      recordedAt: new Date(),
    });
  });
  await scratch.close();
  const rawKey = redisKey(scratchPrefix, 'raw');
  const rawStart = performance.now();
  for (let i = 0; i < maxUpdates; i += 1000) {
    const pipeline = deps.redis.pipeline();
    for (let j = i; j < Math.min(maxUpdates, i + 1000); j++) {
      const d = drivers[j % drivers.length]!;
      pipeline.hset(rawKey, String(d.id), `${d.lat},${d.lon + j * 1e-7},${Date.now()}`);
    }
    await pipeline.exec();
  }
  const rawMs = performance.now() - rawStart;
  const scratchKeys = await deps.redis.keys(`${scratchPrefix}:*`);
  if (scratchKeys.length > 0) await deps.redis.unlink(...scratchKeys);

  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    `${fmt(driverCount)} drivers, ${inFlight} requests in flight, up to ${fmt(maxUpdates)} updates or ${maxSeconds} s\n`,
  );
  console.log('| path | updates | updates/s | p50 ms | p99 ms | notes |');
  console.log('|---|---:|---:|---:|---:|---|');
  console.log(
    `| PATCH /api/drivers/{id}/location/ (web process) | ${fmt(rest.done)} | ${fmt((rest.done / rest.ms) * 1000)} | ${fmt(percentile(sorted, 0.5), 2)} | ${fmt(percentile(sorted, 0.99), 2)} | ${refused} not 200; index exact: live follower ${followerMismatches} mismatches, fresh mirror ${freshMismatches} |`,
  );
  console.log(
    `| same, 1 request in flight | 200 | ${fmt((200 / serialMs) * 1000)} | ${fmt(percentile(serial, 0.5), 2)} | ${fmt(percentile(serial, 0.99), 2)} | service time without queueing |`,
  );
  console.log(
    `| index upsert only (Lua: hash + seq + stream) | ${fmt(upserts.done)} | ${fmt((upserts.done / upserts.ms) * 1000)} | | | ${inFlight} in flight |`,
  );
  console.log(
    `| raw Redis HSET, pipelined ×1000 | ${fmt(maxUpdates)} | ${fmt((maxUpdates / rawMs) * 1000)} | | | baseline |`,
  );
} finally {
  web?.child.kill('SIGTERM');
  if (web) await once(web.child, 'exit');
  await closeDeps(deps);
}
