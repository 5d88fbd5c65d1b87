/**
 * One nearest-first search over candidate positions: keeps the best `limit` drivers (all of
 * them without a limit) and a latitude/longitude window derived from the current reach, so
 * most positions are rejected with two subtractions before any trigonometry. The window is a
 * proven bound on haversine distance, so it never rejects a driver haversine would keep.
 */
import type { NearbyDriver, NearbyQuery } from './driver-position-index.js';
import { haversineMeters } from './haversine.js';
import type { StoredPosition } from './position-store.js';

/** The sphere lib/geo/haversine.ts uses. */
const earthRadiusMeters = 6_371_008.8;
const degrees = 180 / Math.PI;
/** Widens each window a hair so floating-point rounding can only let more through. */
const slack = 1 + 1e-9;

export interface SearchablePosition extends StoredPosition {
  driverId: number;
}

const isCloser = (a: NearbyDriver, b: NearbyDriver) =>
  a.distanceMeters < b.distanceMeters ||
  (a.distanceMeters === b.distanceMeters && a.driverId < b.driverId);

export class NearestSearch {
  private readonly items: NearbyDriver[] = [];
  private readonly freshMs: number;
  private latLimitDeg = 0;
  private lonLimitDeg = 0;

  constructor(private readonly query: NearbyQuery) {
    this.freshMs = query.freshSince.getTime();
    this.narrowTo(query.radiusMeters);
  }

  get isFull(): boolean {
    return this.query.limit !== undefined && this.items.length >= this.query.limit;
  }

  /** Distance beyond which nothing can enter the answer any more. */
  get reachMeters(): number {
    return this.isFull
      ? (this.items[this.items.length - 1]?.distanceMeters ?? 0)
      : this.query.radiusMeters;
  }

  /**
   * d ≥ R·|Δφ| bounds latitude; hav(d/R) ≥ cos φ1 · cos φ2 · hav(Δλ), with φ2 inside the
   * latitude window, bounds longitude.
   */
  private narrowTo(reachMeters: number): void {
    const delta = reachMeters / earthRadiusMeters;
    this.latLimitDeg = delta * degrees * slack;
    const latRad = Math.abs(this.query.lat) / degrees;
    const farthest = Math.min(Math.PI / 2, latRad + delta);
    const cosProduct = Math.cos(latRad) * Math.cos(farthest);
    const havLimit = cosProduct > 0 ? Math.sin(delta / 2) ** 2 / cosProduct : Infinity;
    this.lonLimitDeg = havLimit >= 1 ? 360 : 2 * Math.asin(Math.sqrt(havLimit)) * degrees * slack;
  }

  consider(p: SearchablePosition): void {
    if (p.recordedAtMs < this.freshMs) return;
    if (Math.abs(p.lat - this.query.lat) > this.latLimitDeg) return;
    let dLon = Math.abs(p.lon - this.query.lon);
    if (dLon > 180) dLon = 360 - dLon;
    if (dLon > this.lonLimitDeg) return;
    const distanceMeters = haversineMeters(this.query.lat, this.query.lon, p.lat, p.lon);
    if (distanceMeters > this.query.radiusMeters) return;
    this.add({
      driverId: p.driverId,
      lat: p.lat,
      lon: p.lon,
      recordedAt: new Date(p.recordedAtMs),
      distanceMeters,
    });
  }

  private add(driver: NearbyDriver): void {
    const limit = this.query.limit;
    if (limit === undefined) {
      this.items.push(driver);
      return;
    }
    let i = this.items.length;
    while (i > 0 && isCloser(driver, this.items[i - 1]!)) i--;
    if (i >= limit) return;
    this.items.splice(i, 0, driver);
    if (this.items.length > limit) this.items.pop();
    if (this.isFull) this.narrowTo(this.reachMeters);
  }

  /** The answer, nearest first, ties by driver id. */
  result(): NearbyDriver[] {
    if (this.query.limit === undefined) this.items.sort((a, b) => (isCloser(a, b) ? -1 : 1));
    return this.items;
  }
}
