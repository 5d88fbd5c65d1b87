/**
 * `npm run bench:location`: driver location reports per second through the REST endpoint
 * `PATCH /api/drivers/{id}/location/` on a real web process (auth with its session cache,
 * validation, write rate limiter, the Redis-first report script, the view read, the realtime
 * publish), against a bare `/healthz` on the same process in the same run — the issue's
 * measurement: 30 drivers round robin, 32 requests in flight, rate limits off. Then waits for
 * the web process's position writer to flush and checks every driver's position in the index
 * equals PostgreSQL's, exactly.
 * Own database and Redis prefix (BENCH_DATABASE_URL, BENCH_REDIS_PREFIX), loopback, bounded.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
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
import { createPositionReports } from '../lib/geo/position-reports.js';
import { createDriver, createRegion, tokenFor } from '../test/helpers/factories.js';
import { pollUntil } from '../test/helpers/poll-until.js';
import { resetState } from '../test/helpers/test-deps.js';
import { testEnv } from '../test/helpers/test-env.js';
import { driverPositions, jitter, loadTrips, seededRandom } from './nyc-trips.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const driverCount = Number(process.env.BENCH_LOCATION_DRIVERS ?? 30);
const maxUpdates = Number(process.env.BENCH_LOCATION_UPDATES ?? 50_000);
const maxSeconds = Number(process.env.BENCH_LOCATION_SECONDS ?? 10);
const inFlight = 32;
const slices = 5;
/** The target: location reports at 40 % of /healthz's rate or better. */
const targetRatio = 0.4;
const env = {
  ...testEnv,
  DATABASE_URL:
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/invo_bench_geo',
  REDIS_PREFIX: process.env.BENCH_REDIS_PREFIX ?? 'invo-bench-location',
  DATABASE_POOL_MAX: '20',
  // The measurement: rate limits off, ingest capacity rather than the per-driver cap.
  RATE_LIMIT_USER_WRITES_PER_MINUTE: '0',
  RATE_LIMIT_IP_WRITES_PER_MINUTE: '0',
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

/**
 * CPU time (user + system, ms) the process has used so far, from /proc (Linux); null elsewhere.
 * Per request it says what each path costs the web process, which the host's load changes far
 * less than it changes the rates.
 */
async function cpuMsOf(pid: number | undefined): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}
/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
const ticksPerSecond = 100;

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
  let healthRefused = 0;
  const health = async () => {
    const res = await fetch(`${web!.baseUrl}/healthz`);
    await res.arrayBuffer();
    if (res.status !== 200) healthRefused++;
  };
  // Warm-up: JIT, connection pools, every session in the web process's cache.
  await runPool(2000, 30, health);
  await runPool(2000, 30, send);
  healthRefused = 0;
  latencies.length = 0;
  refused = 0;
  // Interleaved slices, so both paths see the same host load (other work on a shared machine
  // comes and goes within seconds).
  const healthz = { done: 0, ms: 0, cpuMs: 0 };
  const rest = { done: 0, ms: 0, cpuMs: 0 };
  const pid = web.child.pid;
  let measuredCpu = true;
  const timed = async (into: typeof healthz, run: () => ReturnType<typeof runPool>) => {
    const cpuBefore = await cpuMsOf(pid);
    const { done, ms } = await run();
    const cpuAfter = await cpuMsOf(pid);
    into.done += done;
    into.ms += ms;
    if (cpuBefore === null || cpuAfter === null) measuredCpu = false;
    else into.cpuMs += cpuAfter - cpuBefore;
  };
  for (let slice = 0; slice < slices; slice++) {
    await timed(healthz, () => runPool(maxUpdates * 4, maxSeconds / slices, health));
    await timed(rest, () => runPool(maxUpdates, maxSeconds / slices, send));
  }
  const healthRate = (healthz.done / healthz.ms) * 1000;
  const restRate = (rest.done / rest.ms) * 1000;

  // The writer flushes every POSITION_FLUSH_INTERVAL_MS: wait until nothing is left to write.
  const reports = createPositionReports(deps.redis, config.redis.prefix);
  const flushStart = performance.now();
  await pollUntil(async () => (await reports.backlog()) === 0, 30_000);
  const flushWaitMs = performance.now() - flushStart;

  // Exactness: a fresh mirror of the index equals the database, driver by driver.
  const everything = { lat: 40.75, lon: -73.98, radiusMeters: 20_000_000, freshSince: new Date(0) };
  const rows: {
    id: number;
    current_lat: number;
    current_lon: number;
    last_location_update: Date;
  }[] = await deps.db
    .knex('drivers')
    .select('id', 'current_lat', 'current_lon', 'last_location_update');
  const fresh = createRedisDriverPositionIndex(deps.redis, config.redis.prefix);
  await fresh.sync();
  const indexed = new Map(
    (await fresh.nearby(everything)).map((f) => [
      f.driverId,
      `${f.lat},${f.lon}@${f.recordedAt.getTime()}`,
    ]),
  );
  await fresh.close();
  const mismatches = rows.filter(
    (r) =>
      indexed.get(r.id) !==
      `${r.current_lat},${r.current_lon}@${r.last_location_update?.getTime()}`,
  ).length;

  const sorted = [...latencies].sort((a, b) => a - b);
  const ratio = restRate / healthRate;
  console.log(
    `${fmt(driverCount)} drivers round robin, ${inFlight} requests in flight, ${maxSeconds} s per path in ${slices} interleaved slices\n`,
  );
  const cpuPer = (path: typeof healthz) =>
    measuredCpu && path.done > 0 ? fmt((path.cpuMs / path.done) * 1000) : 'n/a';
  console.log('| path | requests | per second | p50 ms | p99 ms | web CPU µs / request | notes |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  console.log(
    `| GET /healthz (same web process) | ${fmt(healthz.done)} | ${fmt(healthRate)} | | | ${cpuPer(healthz)} | ${healthRefused} not 200 |`,
  );
  console.log(
    `| PATCH /api/drivers/{id}/location/ | ${fmt(rest.done)} | ${fmt(restRate)} | ${fmt(percentile(sorted, 0.5), 2)} | ${fmt(percentile(sorted, 0.99), 2)} | ${cpuPer(rest)} | ${refused} not 200 |`,
  );
  console.log(
    `\nlocation / healthz = ${fmt(ratio * 100, 1)} % (target ≥ ${fmt(targetRatio * 100)} %: ${ratio >= targetRatio ? 'met' : 'NOT met'})`,
  );
  console.log(
    `writer flushed in ${fmt(flushWaitMs)} ms after the run; index vs PostgreSQL: ${rows.length} drivers, ${mismatches} mismatches (${mismatches === 0 ? 'exact' : 'NOT exact'})`,
  );
  console.log(
    `load after: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (mismatches > 0 || refused > 0) process.exitCode = 1;
} finally {
  web?.child.kill('SIGTERM');
  if (web) await once(web.child, 'exit');
  await closeDeps(deps);
}
