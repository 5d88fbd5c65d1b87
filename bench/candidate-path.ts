/**
 * The extra contenders of `bench:geo`, on the same NYC positions:
 *  - the widening GEOSEARCH a Redis user would write for "nearest 10": BYRADIUS from 250 m,
 *    doubling up to 5 km, until 10 are found;
 *  - the real candidate path, what a match job calls: `findRankedCandidates` (index sync +
 *    bounded nearest-K search + the facts + the pure ranking) over a PostgreSQL fleet whose
 *    drivers have the very ids and positions of the index, with its facts read two ways:
 *    ONE SQL query per widening pass (an order given, no supply ticket), or the worker's
 *    in-memory supply (lib/dispatch/supply-follower.ts) after the match job's order load
 *    (`loadOrderForSearch`: the order, its exclusions and the supply barrier, one round trip).
 */
import { migrateLatest } from '../db/database.js';
import type { OrderRow } from '../db/repositories/order.repository.js';
import { loadConfig } from '../lib/config/config.js';
import { createDeps, type AppDeps } from '../lib/deps.js';
import { performance } from 'node:perf_hooks';
import { findRankedCandidates } from '../lib/dispatch/find-candidates.js';
import { loadOrderForSearch, type SupplyTicket } from '../lib/dispatch/supply-follower.js';
import { createLogger } from '../lib/logger/logger.js';
import type { Redis } from '../lib/redis/redis.js';
import { createPassenger, createRegion } from '../test/helpers/factories.js';
import { summarise, type Timing } from './bench-timing.js';
import { resetState } from '../test/helpers/test-deps.js';
import { testEnv } from '../test/helpers/test-env.js';
import type { Point } from './nyc-trips.js';

const databaseUrl =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/invo_bench_geo';
const regionId = 'nyc';

/** Radii of the widening GEOSEARCH: 250 m doubling, the last one capped at 5 km. */
export const wideningRadiiMeters = [250, 500, 1000, 2000, 4000, 5000];

export async function widenedGeosearch(
  redis: Redis,
  geoKey: string,
  q: Point,
  wanted: number,
): Promise<number[]> {
  let found: string[] = [];
  for (const radius of wideningRadiiMeters) {
    found = (await redis.call(
      'GEOSEARCH',
      geoKey,
      'FROMLONLAT',
      q.lon,
      q.lat,
      'BYRADIUS',
      radius,
      'm',
      'ASC',
      'COUNT',
      wanted,
    )) as string[];
    if (found.length >= wanted) break;
  }
  return found.map(Number);
}

export async function prepareDatabase(): Promise<void> {
  await migrateLatest(databaseUrl);
}

/** Deps as a worker builds them, on the bench's database and Redis prefix. */
export function benchDeps(redisUrl: string, prefix: string): AppDeps {
  const config = loadConfig({
    ...testEnv,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    // Every bench position is written at the start of its size: keep them all fresh.
    POSITION_FRESH_SECONDS: '3600',
  });
  return createDeps(config, createLogger({ level: 'warn', name: 'bench-geo' }));
}

/**
 * Empties the bench database and prefix, then stores one free, online driver per position,
 * with the position's id (a fifth of them wheelchair-accessible vans).
 */
export async function seedFleet(deps: AppDeps, drivers: (Point & { id: number })[]) {
  await resetState(deps);
  await createRegion(deps, { id: regionId, center_lat: 40.75, center_lon: -73.98 });
  const now = new Date();
  const batch = 5000;
  for (let start = 0; start < drivers.length; start += batch) {
    const chunk = drivers.slice(start, start + batch);
    const users: { id: number }[] = await deps.db
      .knex('users')
      .insert(
        chunk.map((d) => {
          const phone = `+1212${String(d.id).padStart(7, '0')}`;
          return { phone, username: phone, role: 'driver' };
        }),
      )
      .returning('id');
    await deps.db.knex('drivers').insert(
      chunk.map((d, i) => ({
        id: d.id,
        user_id: users[i]!.id,
        name: `Driver ${d.id}`,
        region_id: regionId,
        car_model: d.id % 5 === 0 ? 'Ford Transit (ramp)' : 'Toyota Camry',
        plate_number: `NY${d.id}`,
        capacity: 4,
        wheelchair_accessible: d.id % 5 === 0,
        is_online: true,
        status: 'online_idle',
        current_lat: d.lat,
        current_lon: d.lon,
        last_location_update: now,
      })),
    );
  }
}

/**
 * One matching order per pickup in PostgreSQL (ambulatory, one seat, no exclusions), for the
 * paths that load the order as the match job does; returns pickup → order id.
 */
export async function seedOrders(deps: AppDeps, pickups: Point[]): Promise<Map<Point, string>> {
  const { user, passenger } = await createPassenger(deps, regionId);
  const ids = new Map<Point, string>();
  const rows = pickups.map((q, i) => {
    const id = `ord_bench_db_${i}`;
    ids.set(q, id);
    return {
      id,
      passenger_id: passenger.id,
      region_id: regionId,
      created_by_user_id: user.id,
      pickup_title: 'Pickup',
      dropoff_title: 'Dropoff',
      pickup_lat: q.lat,
      pickup_lon: q.lon,
      dropoff_lat: q.lat,
      dropoff_lon: q.lon,
      status: 'matching',
      seats_needed: 1,
    };
  });
  for (let start = 0; start < rows.length; start += 1000) {
    await deps.db.knex('orders').insert(rows.slice(start, start + 1000));
  }
  return ids;
}

/** An ambulatory one-seat order at the pickup: what the match job loads before it searches. */
export function orderAt(q: Point, i: number): OrderRow {
  const at = new Date();
  return {
    id: `ord_bench_${i}`,
    region_id: regionId,
    pickup_lat: q.lat,
    pickup_lon: q.lon,
    seats_needed: 1,
    needs_wheelchair_access: false,
    status: 'matching',
    created_at: at,
    updated_at: at,
  } as OrderRow;
}

let ordersSearched = 0;

/** One search for an order at the pickup with the facts from SQL; the ranked driver ids. */
export async function realCandidatePath(deps: AppDeps, q: Point): Promise<number[]> {
  const search = await findRankedCandidates(deps, orderAt(q, ++ordersSearched));
  return search.candidates.map((c) => c.driver_id);
}

/** The match job's sequence: its order load (with the supply barrier), then the search. */
export async function loadAndSearch(
  deps: AppDeps,
  orderId: string,
): Promise<{ ids: number[]; supplied: boolean }> {
  const loaded = await loadOrderForSearch(deps, orderId);
  if (!loaded) throw new Error(`bench order ${orderId} is missing`);
  const search = await findRankedCandidates(deps, loaded.order, { supply: loaded.supply });
  return {
    ids: search.candidates.map((c) => c.driver_id),
    supplied: loaded.supply.barrier !== null,
  };
}

/**
 * The search alone, given the loaded order (as in the match job, whose order load happens
 * anyway): each batch of `concurrency` orders is loaded untimed, then its searches are timed
 * together. Throughput = searches / time spent searching.
 */
export async function timeSearchGivenLoad(
  deps: AppDeps,
  orderIds: string[],
  concurrency: number,
): Promise<{ timing: Timing; answers: number[][]; supplied: number }> {
  const latencies: number[] = [];
  const answers: number[][] = [];
  let searchingMs = 0;
  let supplied = 0;
  for (let start = 0; start < orderIds.length; start += concurrency) {
    const loads = await Promise.all(
      orderIds.slice(start, start + concurrency).map((id) => loadOrderForSearch(deps, id)),
    );
    const t0 = performance.now();
    const results = await Promise.all(
      loads.map(async (loaded) => {
        const t = performance.now();
        const ticket: SupplyTicket = loaded!.supply;
        if (ticket.barrier !== null) supplied++;
        const search = await findRankedCandidates(deps, loaded!.order, { supply: ticket });
        latencies.push(performance.now() - t);
        return search.candidates.map((c) => c.driver_id);
      }),
    );
    searchingMs += performance.now() - t0;
    answers.push(...results);
  }
  return { timing: summarise(latencies, searchingMs), answers, supplied };
}
