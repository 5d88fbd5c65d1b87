/**
 * The in-memory copy of the position index that one process searches: drivers by H3 cell and
 * by id. It is only ever changed by applying the store's snapshot and change stream, in order,
 * so it holds exactly what Redis holds up to the last applied change.
 */
import type { NearbyDriver, NearbyQuery } from './driver-position-index.js';
import {
  cellsInDisk,
  coarseCellOf,
  coveredMeters,
  fineCellAt,
  originOf,
  ringAt,
  ringsToCover,
  type RingOrigin,
} from './hex-rings.js';
import { NearestSearch } from './nearest-search.js';
import type { StoredPosition } from './position-store.js';

interface MirrorEntry extends StoredPosition {
  driverId: number;
  fineCell: string;
  coarseCell: string;
}

/** Drivers by cell at one resolution. */
class CellGrid {
  readonly cells = new Map<string, Map<number, MirrorEntry>>();

  add(cell: string, entry: MirrorEntry): void {
    let members = this.cells.get(cell);
    if (!members) this.cells.set(cell, (members = new Map<number, MirrorEntry>()));
    members.set(entry.driverId, entry);
  }

  remove(cell: string, driverId: number): void {
    const members = this.cells.get(cell);
    members?.delete(driverId);
    if (members?.size === 0) this.cells.delete(cell);
  }
}

/** Coarse cells holding at least this many drivers per wanted answer are searched finely. */
const densePerAnswer = 4;

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
  const fine = new CellGrid();
  const coarse = new CellGrid();

  function unlink(entry: MirrorEntry): void {
    fine.remove(entry.fineCell, entry.driverId);
    coarse.remove(entry.coarseCell, entry.driverId);
  }

  function walkRings(query: NearbyQuery, grid: CellGrid, origin: RingOrigin): NearbyDriver[] {
    const maxRing = ringsToCover(origin, query.radiusMeters);
    const scanEveryone = () => {
      const everyone = new NearestSearch(query);
      for (const entry of byId.values()) everyone.consider(entry);
      return everyone.result();
    };
    // A small fleet over a wide radius: scanning everyone beats walking empty cells.
    if (query.limit === undefined && cellsInDisk(maxRing) > byId.size) return scanEveryone();
    const search = new NearestSearch(query);
    for (let k = 0; k <= maxRing; k++) {
      if (cellsInDisk(k) > byId.size) return scanEveryone();
      for (const cell of ringAt(origin, k)) {
        const members = grid.cells.get(cell);
        if (members) for (const entry of members.values()) search.consider(entry);
      }
      // Widen only while a nearer driver could still hide beyond the rings searched.
      if (search.isFull && search.reachMeters <= coveredMeters(origin, k)) break;
    }
    return search.result();
  }

  return {
    get size() {
      return byId.size;
    },
    get: (driverId) => byId.get(driverId),

    set(driverId, position) {
      const previous = byId.get(driverId);
      const samePlace = previous && previous.lat === position.lat && previous.lon === position.lon;
      const fineCell = samePlace ? previous.fineCell : fineCellAt(position.lat, position.lon);
      if (previous) unlink(previous);
      // A literal with a fixed shape: a spread here makes every search several times slower.
      const entry: MirrorEntry = {
        lat: position.lat,
        lon: position.lon,
        recordedAtMs: position.recordedAtMs,
        driverId,
        fineCell,
        coarseCell: samePlace ? previous.coarseCell : coarseCellOf(fineCell),
      };
      byId.set(driverId, entry);
      fine.add(entry.fineCell, entry);
      coarse.add(entry.coarseCell, entry);
    },

    delete(driverId) {
      const previous = byId.get(driverId);
      if (!previous) return;
      unlink(previous);
      byId.delete(driverId);
    },

    clear() {
      byId.clear();
      fine.cells.clear();
      coarse.cells.clear();
    },

    staleBefore(beforeMs) {
      const stale: { driverId: number; recordedAtMs: number }[] = [];
      for (const e of byId.values()) {
        if (e.recordedAtMs < beforeMs) {
          stale.push({ driverId: e.driverId, recordedAtMs: e.recordedAtMs });
        }
      }
      return stale;
    },

    search(query) {
      if (query.limit === 0) return [];
      const fineCell = fineCellAt(query.lat, query.lon);
      const coarseCell = coarseCellOf(fineCell);
      const nearbyCount = coarse.cells.get(coarseCell)?.size ?? 0;
      // Any resolution gives the same answer; this one just looks at fewer cells and drivers.
      return query.limit !== undefined && nearbyCount >= densePerAnswer * query.limit
        ? walkRings(query, fine, originOf(fineCell))
        : walkRings(query, coarse, originOf(coarseCell));
    },
  };
}
