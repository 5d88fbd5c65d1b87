/**
 * Realistic positions for the geo benchmarks from real trips: NYC TLC 2013 trip records (FOIL,
 * published by Chris Whong), as distributed for the ACM DEBS 2015 Grand Challenge — see
 * data/README.md. Drop-off points stand for free drivers (a taxi is free where a
 * trip ends: each taxi stands where its last trip in the file ended), pickup points for pickups. Rows with zero or out-of-box coordinates are dropped;
 * medallions become synthetic ids (never logged); copies beyond the real rows are jittered.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createPrng } from '../db/seeds/atyrau-demo.js';
import { nycBox as box, nycTripFile } from '../lib/simulation/trips.js';

export interface Point {
  lat: number;
  lon: number;
}

export interface Trips {
  file: string;
  rows: number;
  /** Rows kept: both ends inside the box. */
  kept: number;
  /** One per taxi (medallion): where its last trip in the file ended. */
  taxis: (Point & { taxi: number })[];
  pickups: Point[];
}

export function locateTripFile(): string {
  const candidates = [process.env.BENCH_TRIPS_FILE, nycTripFile].filter(
    (p): p is string => typeof p === 'string',
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`Trip file not found; looked at ${candidates.join(', ')}`);
  return found;
}

const inBox = (p: Point) =>
  p.lat >= box.minLat && p.lat <= box.maxLat && p.lon >= box.minLon && p.lon <= box.maxLon;

export function loadTrips(file = locateTripFile()): Trips {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const lastDropoff = new Map<string, Point>();
  const pickups: Point[] = [];
  for (const line of lines) {
    const f = line.split(',');
    const pickup = { lon: Number(f[6]), lat: Number(f[7]) };
    const dropoff = { lon: Number(f[8]), lat: Number(f[9]) };
    if (!inBox(pickup) || !inBox(dropoff)) continue;
    // The file is in drop-off order, so the last row of a medallion is its latest drop-off.
    lastDropoff.set(f[0] ?? '', dropoff);
    pickups.push(pickup);
  }
  const taxis = [...lastDropoff.values()].map((p, i) => ({ ...p, taxi: i + 1 }));
  return { file, rows: lines.length, kept: pickups.length, taxis, pickups };
}

/** A deterministic pseudo-random source, so every run benches the same positions. */
export const seededRandom = createPrng;

/** Moves a point by up to `meters` in a random direction. */
export function jitter(p: Point, meters: number, random: () => number): Point {
  const r = meters * Math.sqrt(random());
  const angle = 2 * Math.PI * random();
  const dLat = (r * Math.cos(angle)) / 111_195;
  const dLon = (r * Math.sin(angle)) / (111_195 * Math.cos((p.lat * Math.PI) / 180));
  return { lat: p.lat + dLat, lon: p.lon + dLon };
}

/**
 * `count` driver positions: the real taxis first, then jittered copies of them (up to 300 m)
 * until the fleet is big enough. Ids are 1..count.
 */
export function driverPositions(trips: Trips, count: number, seed = 1): (Point & { id: number })[] {
  const random = seededRandom(seed);
  const out: (Point & { id: number })[] = [];
  for (let i = 0; i < count; i++) {
    const base = trips.taxis[i % trips.taxis.length]!;
    const p = i < trips.taxis.length ? base : jitter(base, 300, random);
    out.push({ id: i + 1, lat: p.lat, lon: p.lon });
  }
  return out;
}

/** `count` pickups drawn from the real pickup points, jittered up to 50 m. */
export function pickupPoints(trips: Trips, count: number, seed = 2): Point[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    jitter(trips.pickups[Math.floor(random() * trips.pickups.length)]!, 50, random),
  );
}
