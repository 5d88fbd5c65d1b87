/** The contract's Region shape. */
import type { RegionModel } from '../../db/models/models.js';

export interface RegionView {
  id: string;
  title: string;
  center_lat: number;
  center_lon: number;
  center: { lat: number; lon: number };
  polygon_coordinates: [number, number][] | null;
  service_radius_meters: number | null;
}

export function toRegionView(region: RegionModel): RegionView {
  return {
    id: region.id,
    title: region.title,
    center_lat: region.center_lat,
    center_lon: region.center_lon,
    center: { lat: region.center_lat, lon: region.center_lon },
    polygon_coordinates: region.polygon_coordinates,
    service_radius_meters: region.service_radius_meters,
  };
}
