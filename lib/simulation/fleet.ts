/**
 * The replay's fleet and demand attributes.
 *
 * - Fleet from the data: drivers start where the data's vehicles first appear (the pickup of
 *   each vehicle's earliest trip, vehicles taken in order of that first pickup). A fleet larger
 *   than the data's vehicles adds copies moved up to 300 m, round robin.
 * - Fleet file: CSV with header `lat,lon` and optional `driver_id,wheelchair_accessible,
 *   capacity`.
 * - Accessible vehicles: exactly round(fleet × wavFleet) of them, chosen by the seed, unless
 *   the fleet file says. Capacity 4 unless the file says.
 * - Wheelchair requests: where the trip file does not say, each request needs one with
 *   probability wavShare (seeded).
 */
import { readFileSync } from 'node:fs';
import { createPrng } from '../../db/seeds/atyrau-demo.js';
import type { LatLon, TripRequest } from './trips.js';

export interface SimDriverSpec {
  id: number;
  start: LatLon;
  wheelchairAccessible: boolean;
  capacity: number;
}

const defaultCapacity = 4;

/** Moves a point by up to `meters` in a random direction. */
function jitter(p: LatLon, meters: number, random: () => number): LatLon {
  const r = meters * Math.sqrt(random());
  const angle = 2 * Math.PI * random();
  const dLat = (r * Math.cos(angle)) / 111_195;
  const dLon = (r * Math.sin(angle)) / (111_195 * Math.cos((p.lat * Math.PI) / 180));
  return { lat: p.lat + dLat, lon: p.lon + dLon };
}

/** Marks exactly round(n × share) of the drivers accessible, chosen by the seeded shuffle. */
function chooseAccessible(count: number, share: number, random: () => number): Set<number> {
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return new Set(ids.slice(0, Math.round(count * share)));
}

export function fleetFromTrips(
  trips: readonly TripRequest[],
  size: number,
  wavFleet: number,
  seed: number,
): SimDriverSpec[] {
  const firstSeen = new Map<string, LatLon>();
  trips.forEach((t, i) => {
    const key = t.vehicleKey ?? `trip-${i}`;
    if (!firstSeen.has(key)) firstSeen.set(key, t.pickup);
  });
  const starts = [...firstSeen.values()];
  if (starts.length === 0) throw new Error('No trip to place the fleet from');
  const random = createPrng(seed ^ 0x5eed);
  const accessible = chooseAccessible(size, wavFleet, random);
  return Array.from({ length: size }, (_, i) => {
    const base = starts[i % starts.length]!;
    return {
      id: i + 1,
      start: i < starts.length ? base : jitter(base, 300, random),
      wheelchairAccessible: accessible.has(i + 1),
      capacity: defaultCapacity,
    };
  });
}

export function fleetFromFile(file: string, wavFleet: number, seed: number): SimDriverSpec[] {
  const [header, ...rows] = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const columns = (header ?? '').split(',').map((c) => c.trim().toLowerCase());
  const at = (name: string) => columns.indexOf(name);
  if (at('lat') < 0 || at('lon') < 0) throw new Error(`Fleet file ${file} needs lat,lon columns`);
  const random = createPrng(seed ^ 0x5eed);
  const drawn = chooseAccessible(rows.length, wavFleet, random);
  return rows.map((row, i) => {
    const f = row.split(',');
    const get = (name: string) => (at(name) >= 0 ? (f[at(name)] ?? '').trim() : '');
    const id = get('driver_id') === '' ? i + 1 : Number(get('driver_id'));
    const wav = get('wheelchair_accessible');
    return {
      id,
      start: { lat: Number(get('lat')), lon: Number(get('lon')) },
      wheelchairAccessible:
        wav === '' ? drawn.has(i + 1) : ['1', 'true', 'yes', 'y'].includes(wav.toLowerCase()),
      capacity: get('capacity') === '' ? defaultCapacity : Number(get('capacity')),
    };
  });
}

/** Whether each request needs a wheelchair-accessible vehicle, and its seats. */
export function demandNeeds(
  trips: readonly TripRequest[],
  wavShare: number,
  seed: number,
): { needsWheelchair: boolean; seats: number }[] {
  const random = createPrng(seed ^ 0xd3a4d);
  return trips.map((t) => {
    const draw = random();
    return { needsWheelchair: t.needsWheelchair ?? draw < wavShare, seats: t.seats ?? 1 };
  });
}
