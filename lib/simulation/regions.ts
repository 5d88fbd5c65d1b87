/**
 * Home regions for the replay, as the engine's `LocatableRegion`s so a pickup's and a driver's
 * region come from the engine's own `locateRegion`.
 *
 * - `nyc` (the default for NYC data): four regions tiling the DEBS box. Three west of the
 *   East River, cut by latitude — `nyc_1_downtown` (south of ~14th St, lat < 40.735, with the
 *   Jersey waterfront and Staten Island), `nyc_2_midtown` (to ~59th St, lat < 40.765),
 *   `nyc_3_uptown` (the rest of Manhattan and the west Bronx) — and `nyc_4_east` (Brooklyn,
 *   Queens, the airports, the east Bronx). A rough partition of a busy area into four home
 *   regions, enough to see what region priority costs; not a TLC zone map.
 * - `atyrau`: the demo regions of db/seeds/atyrau-demo.ts.
 * - a GeoJSON file: a FeatureCollection of Polygon / MultiPolygon features, the region id in
 *   `properties.id` (or `properties.name`); only each polygon's outer ring is used.
 */
import { readFileSync } from 'node:fs';
import { regionCenter, regionPolygon, seedRegions } from '../../db/seeds/atyrau-demo.js';
import { locateRegion, type LocatableRegion } from '../regions/locate-region.js';
import type { LatLon } from './trips.js';

const box = (id: string, south: number, west: number, north: number, east: number) => ({
  id,
  center_lat: (south + north) / 2,
  center_lon: (west + east) / 2,
  polygon_coordinates: [
    [south, west],
    [south, east],
    [north, east],
    [north, west],
  ] as [number, number][],
  service_radius_meters: null,
});

export const nycRegions: LocatableRegion[] = [
  box('nyc_1_downtown', 40.45, -74.3, 40.735, -73.97),
  box('nyc_2_midtown', 40.735, -74.3, 40.765, -73.955),
  box('nyc_3_uptown', 40.765, -74.3, 40.95, -73.93),
  {
    id: 'nyc_4_east',
    center_lat: 40.7,
    center_lon: -73.8,
    polygon_coordinates: [
      [40.45, -73.97],
      [40.735, -73.97],
      [40.735, -73.955],
      [40.765, -73.955],
      [40.765, -73.93],
      [40.95, -73.93],
      [40.95, -73.6],
      [40.45, -73.6],
    ],
    // Points just outside the box (rare) fall to the nearest centre.
    service_radius_meters: 100_000,
  },
];

export const atyrauRegions: LocatableRegion[] = seedRegions.map((r) => {
  const center = regionCenter(r);
  return {
    id: r.id,
    center_lat: center.lat,
    center_lon: center.lon,
    polygon_coordinates: regionPolygon(r),
    service_radius_meters: r.service_radius_meters,
  };
});

interface GeoJsonFeature {
  properties?: { id?: unknown; name?: unknown } | null;
  geometry?: { type?: string; coordinates?: unknown } | null;
}

export function loadGeoJsonRegions(file: string): LocatableRegion[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { features?: GeoJsonFeature[] };
  const regions: LocatableRegion[] = [];
  for (const [index, feature] of (doc.features ?? []).entries()) {
    const rawId = feature.properties?.id ?? feature.properties?.name ?? `region_${index + 1}`;
    const id = typeof rawId === 'string' ? rawId : JSON.stringify(rawId);
    const geometry = feature.geometry;
    const polygons =
      geometry?.type === 'Polygon'
        ? [geometry.coordinates as number[][][]]
        : geometry?.type === 'MultiPolygon'
          ? (geometry.coordinates as number[][][][])
          : [];
    for (const polygon of polygons) {
      const ring = (polygon[0] ?? []).map(([lon, lat]) => [lat, lon] as [number, number]);
      if (ring.length < 3) continue;
      const lat = ring.reduce((s, p) => s + p[0], 0) / ring.length;
      const lon = ring.reduce((s, p) => s + p[1], 0) / ring.length;
      regions.push({
        id,
        center_lat: lat,
        center_lon: lon,
        polygon_coordinates: ring,
        service_radius_meters: null,
      });
    }
  }
  if (regions.length === 0) throw new Error(`No Polygon or MultiPolygon feature in ${file}`);
  return regions;
}

/** `nyc`, `atyrau` or a GeoJSON file; no choice: Atyrau's when the data lies there, else NYC. */
export function resolveRegions(choice: string | undefined, firstPickup: LatLon | undefined) {
  if (choice === 'nyc') return { name: 'nyc', regions: nycRegions };
  if (choice === 'atyrau') return { name: 'atyrau', regions: atyrauRegions };
  if (choice) return { name: choice, regions: loadGeoJsonRegions(choice) };
  const inAtyrau =
    firstPickup !== undefined &&
    firstPickup.lat > 46.9 &&
    firstPickup.lat < 47.3 &&
    firstPickup.lon > 51.6 &&
    firstPickup.lon < 52.2;
  return inAtyrau
    ? { name: 'atyrau', regions: atyrauRegions }
    : { name: 'nyc', regions: nycRegions };
}

/** A point's region by the engine's rule; the first region (by id) is the fallback. */
export function regionLocator(regions: readonly LocatableRegion[]) {
  const fallback = [...regions].map((r) => r.id).sort()[0] ?? 'none';
  return (p: LatLon) => locateRegion(p, regions, fallback).regionId;
}
