/**
 * Which region a pickup belongs to: inside a region's polygon first, then within a region's
 * service radius of its centre (the nearest centre wins when several reach), then the
 * passenger's own region. The choice is pure over the active regions, so it is table-tested;
 * `findPickupRegion` adds the one repository read.
 */
import type { Db } from '../../db/database.js';
import { listActiveRegions } from '../../db/repositories/region.repository.js';
import { haversineMeters } from '../geo/haversine.js';

export interface LatLon {
  lat: number;
  lon: number;
}

export interface LocatableRegion {
  id: string;
  center_lat: number;
  center_lon: number;
  /** `[[lat, lon], …]`, closed or not; fewer than 3 points never contain anything. */
  polygon_coordinates: [number, number][] | null;
  service_radius_meters: number | null;
}

export type RegionMatch = 'polygon' | 'radius' | 'passenger_region';

/** Ray casting with longitude as x and latitude as y; a point on an edge may fall either way. */
export function isInsidePolygon(point: LatLon, polygon: readonly [number, number][]): boolean {
  if (polygon.length < 3) return false;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [latI, lonI] = polygon[i]!;
    const [latJ, lonJ] = polygon[j]!;
    const crosses = latI > point.lat !== latJ > point.lat;
    if (crosses && point.lon < ((lonJ - lonI) * (point.lat - latI)) / (latJ - latI) + lonI) {
      inside = !inside;
    }
  }
  return inside;
}

/**
 * Picks the region for a point. Polygons are tried in id order (overlapping polygons are a
 * data mistake; id order keeps the answer deterministic), then radii by distance.
 */
export function locateRegion(
  point: LatLon,
  regions: readonly LocatableRegion[],
  passengerRegionId: string,
): { regionId: string; matchedBy: RegionMatch } {
  const sorted = [...regions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byPolygon = sorted.find(
    (r) => r.polygon_coordinates !== null && isInsidePolygon(point, r.polygon_coordinates),
  );
  if (byPolygon) return { regionId: byPolygon.id, matchedBy: 'polygon' };

  let nearest: { id: string; distanceMeters: number } | null = null;
  for (const region of sorted) {
    if (region.service_radius_meters === null) continue;
    const distanceMeters = haversineMeters(
      point.lat,
      point.lon,
      region.center_lat,
      region.center_lon,
    );
    if (distanceMeters > region.service_radius_meters) continue;
    if (nearest === null || distanceMeters < nearest.distanceMeters) {
      nearest = { id: region.id, distanceMeters };
    }
  }
  if (nearest) return { regionId: nearest.id, matchedBy: 'radius' };
  return { regionId: passengerRegionId, matchedBy: 'passenger_region' };
}

export async function findPickupRegion(
  db: Db,
  pickup: LatLon,
  passengerRegionId: string,
): Promise<{ regionId: string; matchedBy: RegionMatch }> {
  return locateRegion(pickup, await listActiveRegions(db), passengerRegionId);
}
