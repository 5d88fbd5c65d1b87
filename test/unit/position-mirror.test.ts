import { expect } from 'chai';
import type { NearbyDriver, NearbyQuery } from '../../lib/geo/driver-position-index.js';
import { haversineMeters } from '../../lib/geo/haversine.js';
import { createPositionMirror } from '../../lib/geo/position-mirror.js';

const center = { lat: 40.758, lon: -73.9855 };
const now = Date.parse('2026-11-26T10:00:00Z');
const fresh = new Date(now - 120_000);

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/** The point `meters` away from `from` along `bearingDeg` on the haversine sphere. */
function destination(from: { lat: number; lon: number }, meters: number, bearingDeg: number) {
  const r = 6_371_008.8;
  const d = meters / r;
  const b = (bearingDeg * Math.PI) / 180;
  const lat1 = (from.lat * Math.PI) / 180;
  const lon1 = (from.lon * Math.PI) / 180;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lon2 =
    lon1 +
    Math.atan2(
      Math.sin(b) * Math.sin(d) * Math.cos(lat1),
      Math.cos(d) - Math.sin(lat1) * Math.sin(lat2),
    );
  return { lat: (lat2 * 180) / Math.PI, lon: (lon2 * 180) / Math.PI };
}

function bruteForce(
  drivers: Map<number, { lat: number; lon: number; recordedAtMs: number }>,
  q: NearbyQuery,
): number[] {
  const found: NearbyDriver[] = [];
  for (const [driverId, p] of drivers) {
    if (p.recordedAtMs < q.freshSince.getTime()) continue;
    const distanceMeters = haversineMeters(q.lat, q.lon, p.lat, p.lon);
    if (distanceMeters <= q.radiusMeters) {
      found.push({ driverId, ...p, recordedAt: new Date(p.recordedAtMs), distanceMeters });
    }
  }
  found.sort((a, b) => a.distanceMeters - b.distanceMeters || a.driverId - b.driverId);
  return found.slice(0, q.limit ?? found.length).map((d) => d.driverId);
}

describe('position mirror search', () => {
  // Spread out, the search walks coarse cells; packed tight, it walks fine ones.
  for (const [layout, spreadMeters] of [
    ['spread over a city', 12_000],
    ['packed downtown', 1_500],
  ] as const) {
    it(`when thousands of drivers are ${layout}, then nearest-first answers equal a brute-force scan`, () => {
      const next = random(42);
      const mirror = createPositionMirror();
      const truth = new Map<number, { lat: number; lon: number; recordedAtMs: number }>();
      for (let id = 1; id <= 3000; id++) {
        const p = destination(center, spreadMeters * Math.sqrt(next()), 360 * next());
        const recordedAtMs = next() < 0.1 ? now - 300_000 : now;
        truth.set(id, { ...p, recordedAtMs });
        mirror.set(id, { ...p, recordedAtMs });
      }
      // Moves and removals exercise the cell bookkeeping.
      for (let id = 1; id <= 300; id++) {
        const p = destination(center, spreadMeters * next(), 360 * next());
        truth.set(id, { ...p, recordedAtMs: now });
        mirror.set(id, { ...p, recordedAtMs: now });
        if (id % 3 === 0) {
          truth.delete(id + 1000);
          mirror.delete(id + 1000);
        }
      }
      for (let i = 0; i < 90; i++) {
        const at = destination(center, spreadMeters * 1.2 * next(), 360 * next());
        const query: NearbyQuery = {
          ...at,
          radiusMeters: [500, 2000, 5000, 15_000][i % 4]!,
          freshSince: fresh,
          limit: i % 3 === 0 ? undefined : [1, 10, 50][i % 3],
        };
        expect(
          mirror.search(query).map((d) => d.driverId),
          `query ${i}`,
        ).to.deep.equal(bruteForce(truth, query));
      }
    });
  }

  it('when a lone driver sits 1 m inside or outside the radius, then widening finds only the inside one', () => {
    const mirror = createPositionMirror();
    // A crowd far away: enough drivers that even a 15 km search walks rings instead of
    // scanning everyone, and nobody near.
    for (let id = 3; id < 14_000; id++) {
      mirror.set(id, { ...destination(center, 40_000 + id, id % 360), recordedAtMs: now });
    }
    for (const radiusMeters of [800, 5000, 15_000]) {
      for (const bearing of [0, 30, 45, 90, 135, 200, 270, 330]) {
        mirror.set(1, { ...destination(center, radiusMeters - 1, bearing), recordedAtMs: now });
        mirror.set(2, { ...destination(center, radiusMeters + 1, bearing + 7), recordedAtMs: now });
        for (const limit of [undefined, 10]) {
          const found = mirror.search({ ...center, radiusMeters, freshSince: fresh, limit });
          expect(
            found.map((d) => d.driverId),
            `${radiusMeters} m, ${bearing}°`,
          ).to.deep.equal([1]);
          expect(found[0]!.distanceMeters).to.be.closeTo(radiusMeters - 1, 0.01);
        }
      }
    }
  });

  it('when a position is older than freshSince, then it drops out of answers', () => {
    const mirror = createPositionMirror();
    mirror.set(1, { ...center, recordedAtMs: fresh.getTime() - 1 });
    mirror.set(2, { ...destination(center, 100, 0), recordedAtMs: fresh.getTime() });
    const found = mirror.search({ ...center, radiusMeters: 1000, freshSince: fresh });
    expect(found.map((d) => d.driverId)).to.deep.equal([2]);
    expect(mirror.staleBefore(fresh.getTime()).map((s) => s.driverId)).to.deep.equal([1]);
  });

  it('when a driver moves across cells, then it is found once at its new place only', () => {
    const mirror = createPositionMirror();
    mirror.set(1, { ...center, recordedAtMs: now });
    mirror.set(1, { ...destination(center, 3000, 90), recordedAtMs: now });
    expect(mirror.search({ ...center, radiusMeters: 2000, freshSince: fresh })).to.deep.equal([]);
    const far = mirror.search({ ...center, radiusMeters: 4000, freshSince: fresh, limit: 5 });
    expect(far.map((d) => d.driverId)).to.deep.equal([1]);
    expect(mirror.size).to.equal(1);
  });
});
