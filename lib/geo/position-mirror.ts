/**
 * The in-memory copy of the position index that one process searches: drivers by H3 cell and
 * by id. It is only ever changed by applying the store's snapshot and change stream, in order,
 * so it holds exactly what Redis holds up to the last applied change.
 */
import type { NearbyDriver, NearbyQuery } from './driver-position-index.js';
import { haversineMeters } from './haversine.js';
import { cellAt, cellsInDisk, coveredMeters, originAt, ringAt, ringsToCover } from './hex-rings.js';
import type { StoredPosition } from './position-store.js';

interface MirrorEntry extends StoredPosition {
  driverId: number;
  cell: string;
}

/** Metres per degree of latitude on the sphere haversine uses: a lower bound on distance. */
const metersPerDegreeLat = (Math.PI * 6_371_008.8) / 180;

/** The best `limit` drivers seen so far, nearest first (ties by id); all of them without a limit. */
class NearestList {
  readonly items: NearbyDriver[] = [];
  constructor(private readonly limit: number | undefined) {}

  get isFull(): boolean {
    return this.limit !== undefined && this.items.length >= this.limit;
  }

  /** Distance beyond which nothing can enter the list any more. */
  worstMeters(radiusMeters: number): number {
    return this.isFull ? (this.items[this.items.length - 1]?.distanceMeters ?? 0) : radiusMeters;
  }

  add(driver: NearbyDriver): void {
    if (this.limit === undefined) {
      this.items.push(driver);
      return;
    }
    let i = this.items.length;
    while (i > 0 && isCloser(driver, this.items[i - 1]!)) i--;
    if (i >= this.limit) return;
    this.items.splice(i, 0, driver);
    if (this.items.length > this.limit) this.items.pop();
  }

  sorted(): NearbyDriver[] {
    if (this.limit === undefined) this.items.sort((a, b) => (isCloser(a, b) ? -1 : 1));
    return this.items;
  }
}

const isCloser = (a: NearbyDriver, b: NearbyDriver) =>
  a.distanceMeters < b.distanceMeters ||
  (a.distanceMeters === b.distanceMeters && a.driverId < b.driverId);

export interface PositionMirror {
  readonly size: number;
  get(driverId: number): StoredPosition | undefined;
  set(driverId: number, position: StoredPosition): void;
  delete(driverId: number): void;
  clear(): void;
  /** Drivers whose position was recorded before `beforeMs`. */
  staleBefore(beforeMs: number): { driverId: number; recordedAtMs: number }[];
  search(query: NearbyQuery): NearbyDriver[];
}

export function createPositionMirror(): PositionMirror {
  const byId = new Map<number, MirrorEntry>();
  const byCell = new Map<string, Map<number, MirrorEntry>>();

  function unlink(entry: MirrorEntry): void {
    const members = byCell.get(entry.cell);
    members?.delete(entry.driverId);
    if (members?.size === 0) byCell.delete(entry.cell);
  }

  function consider(entry: MirrorEntry, query: NearbyQuery, freshMs: number, list: NearestList) {
    if (entry.recordedAtMs < freshMs) return;
    const reach = list.worstMeters(query.radiusMeters);
    // Cheap rejection first: the latitude difference alone already exceeds the reach.
    if (Math.abs(entry.lat - query.lat) * metersPerDegreeLat > reach * (1 + 1e-9)) return;
    const distanceMeters = haversineMeters(query.lat, query.lon, entry.lat, entry.lon);
    if (distanceMeters > query.radiusMeters) return;
    list.add({
      driverId: entry.driverId,
      lat: entry.lat,
      lon: entry.lon,
      recordedAt: new Date(entry.recordedAtMs),
      distanceMeters,
    });
  }

  return {
    get size() {
      return byId.size;
    },
    get: (driverId) => byId.get(driverId),

    set(driverId, position) {
      const previous = byId.get(driverId);
      const cell =
        previous && previous.lat === position.lat && previous.lon === position.lon
          ? previous.cell
          : cellAt(position.lat, position.lon);
      if (previous && previous.cell !== cell) unlink(previous);
      const entry: MirrorEntry = { ...position, driverId, cell };
      byId.set(driverId, entry);
      let members = byCell.get(cell);
      if (!members) byCell.set(cell, (members = new Map<number, MirrorEntry>()));
      members.set(driverId, entry);
    },

    delete(driverId) {
      const previous = byId.get(driverId);
      if (!previous) return;
      unlink(previous);
      byId.delete(driverId);
    },

    clear() {
      byId.clear();
      byCell.clear();
    },

    staleBefore(beforeMs) {
      const stale: { driverId: number; recordedAtMs: number }[] = [];
      for (const e of byId.values()) {
        if (e.recordedAtMs < beforeMs)
          stale.push({ driverId: e.driverId, recordedAtMs: e.recordedAtMs });
      }
      return stale;
    },

    search(query) {
      const freshMs = query.freshSince.getTime();
      const list = new NearestList(query.limit);
      if (query.limit === 0) return [];
      const origin = originAt(query.lat, query.lon);
      const maxRing = ringsToCover(origin, query.radiusMeters);
      const scanEveryone = () => {
        const everyone = new NearestList(query.limit);
        for (const entry of byId.values()) consider(entry, query, freshMs, everyone);
        return everyone.sorted();
      };
      // A small fleet over a wide radius: scanning everyone beats walking empty cells.
      if (query.limit === undefined && cellsInDisk(maxRing) > byId.size) return scanEveryone();
      for (let k = 0; k <= maxRing; k++) {
        if (cellsInDisk(k) > byId.size) return scanEveryone();
        for (const cell of ringAt(origin, k)) {
          const members = byCell.get(cell);
          if (members) for (const entry of members.values()) consider(entry, query, freshMs, list);
        }
        // Widen only while a nearer driver could still hide beyond the rings searched.
        if (list.isFull && list.worstMeters(query.radiusMeters) <= coveredMeters(origin, k)) break;
      }
      return list.sorted();
    },
  };
}
