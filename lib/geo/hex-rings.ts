/**
 * Rings of H3 cells around a pickup and how far each ring is guaranteed to reach, so a search
 * can widen ring by ring and stop as soon as nothing nearer can lie outside. Two resolutions:
 * fine cells (res 10, edge ≈ 70 m) where drivers are dense, so few positions are looked at;
 * coarse cells (res 8, edge ≈ 0.5 km) where they are sparse, so few empty cells are walked.
 * Rings are cached per origin cell: pickups recur, and h3 calls cost far more than a lookup.
 */
import { cellArea, cellToParent, gridRing, latLngToCell } from 'h3-js';

export const fineResolution = 10;
export const coarseResolution = 8;

/** Local cell edge uncertainty: H3 hexagons are not perfectly regular. */
const edgeLow = 0.9;
const edgeHigh = 1.1;
const maxCachedOrigins = 20_000;

export interface RingOrigin {
  cell: string;
  /** Local hexagon edge (circumradius) in metres, from this cell's area. */
  edgeMeters: number;
  /** rings[k] = cells at grid distance k; grown on demand. */
  rings: string[][];
}

const origins = new Map<string, RingOrigin>();

export const fineCellAt = (lat: number, lon: number): string =>
  latLngToCell(lat, lon, fineResolution);

export const coarseCellOf = (fineCell: string): string => cellToParent(fineCell, coarseResolution);

export function originOf(cell: string): RingOrigin {
  let origin = origins.get(cell);
  if (!origin) {
    if (origins.size >= maxCachedOrigins) origins.clear();
    // Regular hexagon: area = (3√3 / 2) · edge².
    const edgeMeters = Math.sqrt((2 * cellArea(cell, 'm2')) / (3 * Math.sqrt(3)));
    origin = { cell, edgeMeters, rings: [[cell]] };
    origins.set(cell, origin);
  }
  return origin;
}

/** Cells at grid distance k from the origin. */
export function ringAt(origin: RingOrigin, k: number): string[] {
  while (origin.rings.length <= k) origin.rings.push(gridRing(origin.cell, origin.rings.length));
  return origin.rings[k] ?? [];
}

/**
 * Every point within this distance of any point of the origin cell lies in rings 0..k. A cell
 * at grid distance n has its centre at least 1.5·edge·n away, and a point lies within one
 * edge of its cell's centre, so rings 0..k cover 1.5·edge·(k+1) − 2·edge.
 */
export function coveredMeters(origin: RingOrigin, k: number): number {
  return 1.5 * edgeLow * origin.edgeMeters * (k + 1) - 2 * edgeHigh * origin.edgeMeters;
}

/** The fewest rings that cover the radius. */
export function ringsToCover(origin: RingOrigin, radiusMeters: number): number {
  const perRing = 1.5 * edgeLow * origin.edgeMeters;
  return Math.max(0, Math.ceil((radiusMeters + 2 * edgeHigh * origin.edgeMeters) / perRing) - 1);
}

/** Number of cells in rings 0..k. */
export const cellsInDisk = (k: number): number => 3 * k * k + 3 * k + 1;
