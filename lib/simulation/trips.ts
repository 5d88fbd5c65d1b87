/**
 * Trip files for the replay: the NYC DEBS 2015 file (data/README.md; 17 columns, no header,
 * in drop-off order) and a generic CSV with a header
 * `pickup_time,pickup_lat,pickup_lon,dropoff_lat,dropoff_lon,trip_seconds` plus optional
 * `needs_wheelchair,seats` (and `vehicle_id`, used to place the fleet). Times are ISO 8601 or
 * Unix seconds; a time without a zone (the DEBS file's local NYC time) is read as UTC, so the
 * replay's clock shows the file's wall-clock time.
 *
 * Rows with a zero or out-of-range coordinate are dropped (the DEBS file has ~180). Requests
 * come out in pickup-time order, ties in file order: a deterministic arrival sequence.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LatLon } from '../regions/locate-region.js';

/** The one point type (lib/regions), for the replay's modules. */
export type { LatLon };

export interface TripRequest {
  /** 1-based, in arrival order. */
  id: number;
  /** When the request appears (the data's pickup time), ms since the epoch. */
  requestedAtMs: number;
  pickup: LatLon;
  dropoff: LatLon;
  tripSeconds: number;
  /** Null when the file does not say (the replay draws it with --wav-share). */
  needsWheelchair: boolean | null;
  seats: number | null;
  /** The data's vehicle (hashed medallion or vehicle_id), to place the fleet; never logged. */
  vehicleKey: string | null;
}

export type TripFormat = 'debs' | 'generic';

export const nycTripFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'data',
  'nyc_taxi_2013-01-01_debs2015_sample.csv',
);

/** The DEBS file covers NYC; this box drops its zero and nonsense coordinates. */
export const nycBox = { minLon: -74.3, maxLon: -73.6, minLat: 40.45, maxLat: 40.95 };

export function parseTime(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const iso = t.replace(' ', 'T');
  const hasZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(iso);
  const ms = Date.parse(hasZone ? iso : `${iso}Z`);
  if (Number.isNaN(ms)) throw new Error(`Not a time (ISO 8601 or Unix seconds): ${text}`);
  return ms;
}

const validPoint = (p: LatLon) =>
  Number.isFinite(p.lat) &&
  Number.isFinite(p.lon) &&
  p.lat !== 0 &&
  p.lon !== 0 &&
  Math.abs(p.lat) <= 90 &&
  Math.abs(p.lon) <= 180;

const inNycBox = (p: LatLon) =>
  p.lat >= nycBox.minLat &&
  p.lat <= nycBox.maxLat &&
  p.lon >= nycBox.minLon &&
  p.lon <= nycBox.maxLon;

type RawTrip = Omit<TripRequest, 'id'>;

function parseDebs(lines: string[]): RawTrip[] {
  const out: RawTrip[] = [];
  for (const line of lines) {
    const f = line.split(',');
    const pickup = { lon: Number(f[6]), lat: Number(f[7]) };
    const dropoff = { lon: Number(f[8]), lat: Number(f[9]) };
    if (!inNycBox(pickup) || !inNycBox(dropoff)) continue;
    out.push({
      requestedAtMs: parseTime(f[2] ?? ''),
      pickup,
      dropoff,
      tripSeconds: Number(f[4]),
      needsWheelchair: null,
      seats: null,
      vehicleKey: f[0] ?? null,
    });
  }
  return out;
}

const truthy = (v: string) => ['1', 'true', 'yes', 'y'].includes(v.trim().toLowerCase());

function parseGeneric(lines: string[]): RawTrip[] {
  const [header, ...rows] = lines;
  const columns = (header ?? '').split(',').map((c) => c.trim().toLowerCase());
  const at = (name: string) => columns.indexOf(name);
  const required = [
    'pickup_time',
    'pickup_lat',
    'pickup_lon',
    'dropoff_lat',
    'dropoff_lon',
    'trip_seconds',
  ];
  const missing = required.filter((c) => at(c) < 0);
  if (missing.length > 0) throw new Error(`Trip file lacks columns: ${missing.join(', ')}`);
  const out: RawTrip[] = [];
  for (const row of rows) {
    const f = row.split(',');
    const get = (name: string) => (at(name) >= 0 ? (f[at(name)] ?? '').trim() : '');
    const pickup = { lat: Number(get('pickup_lat')), lon: Number(get('pickup_lon')) };
    const dropoff = { lat: Number(get('dropoff_lat')), lon: Number(get('dropoff_lon')) };
    if (!validPoint(pickup) || !validPoint(dropoff)) continue;
    out.push({
      requestedAtMs: parseTime(get('pickup_time')),
      pickup,
      dropoff,
      tripSeconds: Number(get('trip_seconds')) || 0,
      needsWheelchair: get('needs_wheelchair') === '' ? null : truthy(get('needs_wheelchair')),
      seats: get('seats') === '' ? null : Math.max(1, Math.round(Number(get('seats')))),
      vehicleKey: get('vehicle_id') || null,
    });
  }
  return out;
}

export interface TripFilter {
  fromMs?: number;
  toMs?: number;
}

export function loadTripRequests(
  file: string,
  format: TripFormat,
  filter: TripFilter = {},
): TripRequest[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
  const raw = format === 'debs' ? parseDebs(lines) : parseGeneric(lines);
  return raw
    .map((trip, index) => ({ trip, index }))
    .filter(
      ({ trip }) =>
        (filter.fromMs === undefined || trip.requestedAtMs >= filter.fromMs) &&
        (filter.toMs === undefined || trip.requestedAtMs < filter.toMs),
    )
    .sort((a, b) => a.trip.requestedAtMs - b.trip.requestedAtMs || a.index - b.index)
    .map(({ trip }, i) => ({ id: i + 1, ...trip }));
}
