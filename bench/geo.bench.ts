/**
 * `npm run bench:geo`: the nearest 10 drivers within 5 km of a pickup, with 1,000, 10,000 and
 * 100,000 drivers placed from real NYC trips (bench/nyc-trips.ts), answered three ways on the
 * same positions in the same run:
 *  - our index (lib/geo: Redis truth + in-memory H3 mirror, ring widening), as dispatch uses it;
 *  - Redis `GEOSEARCH … FROMLONLAT … BYRADIUS 5 km ASC COUNT 10`, one query at a time and with
 *    32 queries in flight (the better of the two is the baseline);
 *  - the widening GEOSEARCH a Redis user would write: from 250 m, doubling up to 5 km, until
 *    10 are found, 1 and 32 in flight (bench/candidate-path.ts);
 *  - a brute-force haversine scan (the reference for correctness).
 * Then the real candidate path a match job runs (`findRankedCandidates`: index + facts +
 * ranking, on a PostgreSQL fleet with the same ids and positions), 1 and 32 in flight, against
 * the best of the four GEOSEARCH baselines (target ≥ 5×), three ways: facts from SQL (order
 * given); the match job's order load (with the supply barrier) + the search on the in-memory
 * supply; and that search alone, the order loaded untimed (bench/candidate-path.ts).
 * Answers are checked against each other. Loopback only, its own Redis prefix and database,
 * bounded loops. Env: BENCH_GEO_SIZES (default 1000,10000,100000), BENCH_GEO_QUERIES (default
 * 5000), BENCH_GEO_PATH_QUERIES (default 2000), BENCH_REDIS_URL, BENCH_REDIS_PREFIX,
 * BENCH_DATABASE_URL (default invo_bench_geo).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRedisDriverPositionIndex } from '../lib/geo/driver-position-index.js';
import { haversineMeters } from '../lib/geo/haversine.js';
import { createRedis, redisKey, type Redis } from '../lib/redis/redis.js';
import { closeDeps } from '../lib/deps.js';
import { inFlight, timeConcurrent, timeSequential, type Timing } from './bench-timing.js';
import {
  benchDeps,
  loadAndSearch,
  prepareDatabase,
  realCandidatePath,
  seedFleet,
  seedOrders,
  timeSearchGivenLoad,
  widenedGeosearch,
  wideningRadiiMeters,
} from './candidate-path.js';
import { driverPositions, loadTrips, pickupPoints, type Point } from './nyc-trips.js';

const sizes = (process.env.BENCH_GEO_SIZES ?? '1000,10000,100000').split(',').map(Number);
const queryCount = Number(process.env.BENCH_GEO_QUERIES ?? 5000);
/** The real path makes a SQL round trip per query: fewer queries keep the run short. */
const pathQueryCount = Number(process.env.BENCH_GEO_PATH_QUERIES ?? 2000);
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/2';
const prefix = process.env.BENCH_REDIS_PREFIX ?? 'invo-bench-geo';
const radiusMeters = 5000;
const limit = 10;
/** Brute force is O(drivers) per query: cap its work so the run stays bounded. */
const bruteForceBudget = 20_000_000;

function bruteForce(drivers: (Point & { id: number })[], q: Point): number[] {
  const best: { id: number; d: number }[] = [];
  for (const p of drivers) {
    const d = haversineMeters(q.lat, q.lon, p.lat, p.lon);
    if (d > radiusMeters) continue;
    const worst = best[best.length - 1];
    if (best.length === limit && worst && (d > worst.d || (d === worst.d && p.id > worst.id))) {
      continue;
    }
    let i = best.length;
    while (i > 0 && (best[i - 1]!.d > d || (best[i - 1]!.d === d && best[i - 1]!.id > p.id))) i--;
    best.splice(i, 0, { id: p.id, d });
    if (best.length > limit) best.pop();
  }
  return best.map((b) => b.id);
}

async function flushPrefix(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/**
 * GEOSEARCH works on 52-bit geohashes (≈0.6 m) with its own distance code, so where two
 * drivers are within a metre of each other at the 10th place or at the 5 km edge it may
 * legitimately pick the other one. Anything else is a real mismatch.
 */
function explainedByGeohash(
  drivers: Map<number, Point>,
  q: Point,
  ours: number[],
  theirs: number[],
): boolean {
  const distance = (id: number) => {
    const p = drivers.get(id)!;
    return haversineMeters(q.lat, q.lon, p.lat, p.lon);
  };
  const edge = Math.max(...ours.map(distance), ...theirs.map(distance));
  const differing = [
    ...ours.filter((id) => !theirs.includes(id)),
    ...theirs.filter((id) => !ours.includes(id)),
  ];
  if (
    differing.every(
      (id) => Math.abs(distance(id) - edge) <= 1 || Math.abs(distance(id) - radiusMeters) <= 1,
    )
  ) {
    // Same set apart from edge cases; an order swap is fine only between near-equal distances.
    const common = ours.filter((id) => theirs.includes(id));
    const theirOrder = theirs.filter((id) => common.includes(id));
    return common.every(
      (id, i) => id === theirOrder[i] || Math.abs(distance(id) - distance(theirOrder[i]!)) <= 1,
    );
  }
  return false;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function benchSize(redis: Redis, drivers: (Point & { id: number })[], queries: Point[]) {
  const deps = benchDeps(redisUrl, prefix);
  const seedStart = performance.now();
  // Empties the bench database and prefix first, so nothing of the previous size remains.
  await seedFleet(deps, drivers);
  const seedMs = performance.now() - seedStart;
  const geoKey = redisKey(prefix, 'bench', 'geosearch');
  const writer = createRedisDriverPositionIndex(redis, prefix);
  const recordedAt = new Date();
  const loadStart = performance.now();
  for (let i = 0; i < drivers.length; i += 2000) {
    const chunk = drivers.slice(i, i + 2000);
    await Promise.all(
      chunk.map((d) => writer.upsert({ driverId: d.id, lat: d.lat, lon: d.lon, recordedAt })),
    );
    await redis.geoadd(geoKey, ...chunk.flatMap((d) => [d.lon, d.lat, String(d.id)]));
  }
  const writeMs = performance.now() - loadStart;
  await writer.close();

  // A fresh process-like index: loads the snapshot, then follows the stream.
  const index = createRedisDriverPositionIndex(redis, prefix);
  const mirrorStart = performance.now();
  await index.sync();
  const mirrorLoadMs = performance.now() - mirrorStart;

  const freshSince = new Date(recordedAt.getTime() - 60_000);
  const ours = (q: Point) =>
    index.nearby({ ...q, radiusMeters, freshSince, limit }).then((r) => r.map((d) => d.driverId));
  const geosearch = async (q: Point) =>
    (
      (await redis.call(
        'GEOSEARCH',
        geoKey,
        'FROMLONLAT',
        q.lon,
        q.lat,
        'BYRADIUS',
        radiusMeters / 1000,
        'km',
        'ASC',
        'COUNT',
        limit,
      )) as string[]
    ).map(Number);

  // Warm up both paths (JIT, Redis connection) on other pickups before timing.
  for (const q of warmUpQueries) {
    await ours(q);
    await geosearch(q);
  }
  // First pass: every pickup cell is new to the ring cache. Second: the cache is warm, as in
  // a running service where pickups recur in the same city cells.
  const oursCold = await timeSequential(queries, ours);
  const oursRun = await timeSequential(queries, ours);
  const geoSeq = await timeSequential(queries, geosearch);
  const geoPar = await timeConcurrent(queries, geosearch);
  const widened = (q: Point) => widenedGeosearch(redis, geoKey, q, limit);
  for (const q of warmUpQueries) await widened(q);
  const wideSeq = await timeSequential(queries, widened);
  const widePar = await timeConcurrent(queries, widened);

  // The real path: warm up its connections and JIT, then time it on the first pickups.
  const pathQueries = queries.slice(0, pathQueryCount);
  const path = (q: Point) => realCandidatePath(deps, q);
  for (const q of warmUpQueries.slice(0, 100)) await path(q);
  const pathSeq = await timeSequential(pathQueries, path);
  const pathPar = await timeConcurrent(pathQueries, path);

  // The in-memory supply: matching orders in PostgreSQL at the same pickups, loaded as the
  // match job loads them. Candidate queries counted: a search that read SQL shows here.
  const warmOrders = warmUpQueries.slice(0, 100);
  const orderOf = await seedOrders(deps, [...pathQueries, ...warmOrders]);
  let candidateQueries = 0;
  deps.db.knex.on('query', (query: { sql: string }) => {
    if (query.sql.includes('trips_today')) candidateQueries++;
  });
  const supplied = (q: Point) => loadAndSearch(deps, orderOf.get(q)!).then((r) => r.ids);
  for (const q of warmOrders) await supplied(q);
  const queriesBefore = candidateQueries;
  const supplySeq = await timeSequential(pathQueries, supplied);
  const supplyPar = await timeConcurrent(pathQueries, supplied);
  const pathIds = pathQueries.map((q) => orderOf.get(q)!);
  const searchSeq = await timeSearchGivenLoad(deps, pathIds, 1);
  const searchPar = await timeSearchGivenLoad(deps, pathIds, inFlight);
  const supplySqlReads = candidateQueries - queriesBefore;
  const sameAsSql = (answers: number[][]) =>
    answers.filter((a, i) => JSON.stringify(a) === JSON.stringify(pathSeq.answers[i])).length;
  const supplyCheck = [supplySeq, supplyPar, searchSeq, searchPar]
    .map((r) => sameAsSql(r.answers))
    .reduce((a, b) => Math.min(a, b));
  await closeDeps(deps);
  const bruteQueries = queries.slice(
    0,
    Math.max(50, Math.min(queries.length, Math.floor(bruteForceBudget / drivers.length))),
  );
  const brute = await timeSequential(bruteQueries, (q) => bruteForce(drivers, q));

  const byId = new Map(drivers.map((d) => [d.id, d as Point]));
  let vsBrute = 0;
  brute.answers.forEach((expected, i) => {
    if (JSON.stringify(expected) !== JSON.stringify(oursRun.answers[i])) vsBrute++;
    if (JSON.stringify(expected) !== JSON.stringify(oursCold.answers[i])) vsBrute++;
  });
  const compare = (answers: number[][]) => {
    const verdict = { exact: 0, edge: 0, real: 0 };
    answers.forEach((theirs, i) => {
      const mine = oursRun.answers[i]!;
      if (JSON.stringify(theirs) === JSON.stringify(mine)) verdict.exact++;
      else if (explainedByGeohash(byId, queries[i]!, mine, theirs)) verdict.edge++;
      else verdict.real++;
    });
    return `${verdict.exact} same, ${verdict.edge} edge ties, ${verdict.real} mismatches`;
  };
  const found = oursRun.answers.reduce((sum, a) => sum + a.length, 0) / queries.length;
  const ranked = pathSeq.answers.reduce((sum, a) => sum + a.length, 0) / pathQueries.length;
  const pathQueryTotal = pathQueries.length;
  await index.close();
  await flushPrefix(redis);
  return {
    seedMs,
    pathQueries: pathQueryTotal,
    wideSeq,
    widePar,
    pathSeq,
    pathPar,
    supplySeq,
    supplyPar,
    searchSeq,
    searchPar,
    supplySqlReads,
    supplyCheck,
    ranked,
    writeMs,
    mirrorLoadMs,
    oursRun,
    oursCold,
    geoSeq,
    geoPar,
    brute,
    bruteQueries: bruteQueries.length,
    vsBrute,
    geoCheck: compare(geoSeq.answers),
    wideCheck: compare(wideSeq.answers),
    found,
  };
}

const trips = loadTrips();
const queries = pickupPoints(trips, queryCount);
const warmUpQueries = pickupPoints(trips, 300, 3);
console.log(
  `bench:geo — ${new Date().toISOString()} — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}`,
);
console.log(
  `trips: ${trips.file}: ${trips.rows} rows, ${trips.kept} inside the NYC box, ${trips.taxis.length} taxis`,
);
console.log(
  `query: nearest ${limit} within ${radiusMeters / 1000} km, ${queryCount} pickups per size; widening GEOSEARCH radii ${wideningRadiiMeters.join(', ')} m; real candidate path on the first ${Math.min(pathQueryCount, queryCount)} pickups\n`,
);

console.log(
  `host load (uptime): ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await prepareDatabase();
const redis = createRedis({ url: redisUrl, prefix, commandTimeoutMs: 10_000 });
const rows: string[] = [];
const verdicts: string[] = [];
try {
  for (const size of sizes) {
    const r = await benchSize(redis, driverPositions(trips, size), queries);
    const baseline = Math.max(r.geoSeq.timing.qps, r.geoPar.timing.qps);
    const ratio = r.oursRun.timing.qps / baseline;
    const coldRatio = r.oursCold.timing.qps / baseline;
    const line = (name: string, t: Timing, n: number, check: string) =>
      `| ${fmt(size)} | ${name} | ${fmt(n)} | ${fmt(t.qps)} | ${fmt(t.p50Us, 1)} | ${fmt(t.p99Us, 1)} | ${check} |`;
    rows.push(
      line(
        'H3 index, first visit of each pickup cell',
        r.oursCold.timing,
        queryCount,
        'checked against brute force (below)',
      ),
    );
    rows.push(
      line(
        'H3 index, ring cache warm',
        r.oursRun.timing,
        queryCount,
        `${fmt(r.found, 1)} found/query`,
      ),
    );
    rows.push(line('GEOSEARCH, 1 in flight', r.geoSeq.timing, queryCount, r.geoCheck));
    rows.push(
      line(
        `GEOSEARCH, ${inFlight} in flight`,
        r.geoPar.timing,
        queryCount,
        'same answers as 1 in flight',
      ),
    );
    rows.push(
      line(
        'GEOSEARCH widening 250 m → 5 km, 1 in flight',
        r.wideSeq.timing,
        queryCount,
        r.wideCheck,
      ),
    );
    rows.push(
      line(
        `GEOSEARCH widening 250 m → 5 km, ${inFlight} in flight`,
        r.widePar.timing,
        queryCount,
        'same answers as 1 in flight',
      ),
    );
    rows.push(
      line(
        'real candidate path, SQL facts (order given), 1 in flight',
        r.pathSeq.timing,
        r.pathQueries,
        `${fmt(r.ranked, 1)} ranked/query`,
      ),
    );
    rows.push(
      line(
        `real candidate path, SQL facts (order given), ${inFlight} in flight`,
        r.pathPar.timing,
        r.pathQueries,
        '',
      ),
    );
    const supplyNote = `every answer = SQL facts' (${r.supplyCheck}/${r.pathQueries}); ${r.supplySqlReads} SQL fallbacks in all four rows`;
    rows.push(
      line(
        'match job: order load (+ barrier) + search on the in-memory supply, 1 in flight',
        r.supplySeq.timing,
        r.pathQueries,
        supplyNote,
      ),
    );
    rows.push(
      line(
        `match job: order load (+ barrier) + search on the in-memory supply, ${inFlight} in flight`,
        r.supplyPar.timing,
        r.pathQueries,
        '',
      ),
    );
    rows.push(
      line(
        'search on the in-memory supply, order loaded untimed, 1 in flight',
        r.searchSeq.timing,
        r.pathQueries,
        '',
      ),
    );
    rows.push(
      line(
        `search on the in-memory supply, order loaded untimed, ${inFlight} in flight`,
        r.searchPar.timing,
        r.pathQueries,
        '',
      ),
    );
    rows.push(
      line(
        'brute-force scan',
        r.brute.timing,
        r.bruteQueries,
        `${r.vsBrute} mismatches vs H3 index (both passes)`,
      ),
    );
    const best = Math.max(baseline, r.wideSeq.timing.qps, r.widePar.timing.qps);
    const against = (name: string, seq: Timing, par: Timing) => {
      const pathBest = Math.max(seq.qps, par.qps);
      return `${name} ${fmt(seq.qps)} q/s (1 in flight), ${fmt(par.qps)} q/s (${inFlight} in flight) = ${fmt(pathBest / best, 2)}× (target ≥ 5×: ${pathBest / best >= 5 ? 'met' : 'NOT met'})`;
    };
    verdicts.push(
      `${fmt(size)} drivers, vs best GEOSEARCH incl. widening ${fmt(best)} q/s: ` +
        [
          against('real path with SQL facts', r.pathSeq.timing, r.pathPar.timing),
          against('match job load + supply search', r.supplySeq.timing, r.supplyPar.timing),
          against('supply search alone', r.searchSeq.timing, r.searchPar.timing),
        ].join('; ') +
        `; H3 index alone ${fmt(r.oursRun.timing.qps / best, 1)}× that baseline; fleet seeded in ${fmt(r.seedMs)} ms`,
    );
    verdicts.push(
      `${fmt(size)} drivers: H3 index ${fmt(r.oursRun.timing.qps)} q/s vs best GEOSEARCH ${fmt(baseline)} q/s = ${fmt(ratio, 1)}× warm (target ≥ 3×: ${ratio >= 3 ? 'met' : 'NOT met'}), ${fmt(coldRatio, 1)}× on first visits (${coldRatio >= 3 ? 'met' : 'NOT met'}); ` +
        `index writes ${fmt((size / r.writeMs) * 1000)}/s, mirror load ${fmt(r.mirrorLoadMs)} ms`,
    );
  }
} finally {
  redis.disconnect();
}
console.log('| drivers | method | queries | queries/s | p50 µs | p99 µs | answers |');
console.log('|---:|---|---:|---:|---:|---:|---|');
for (const row of rows) console.log(row);
console.log('');
for (const verdict of verdicts) console.log(verdict);
console.log(
  `host load at the end (uptime): ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
