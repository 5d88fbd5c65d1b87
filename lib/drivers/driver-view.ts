/** The contract's Driver shape. */
import type { DriverModel } from '../../db/models/models.js';
import { toUserView, type UserView } from '../users/user-view.js';
import { toRegionView, type RegionView } from '../regions/region-view.js';

export interface DriverView {
  id: number;
  user: UserView | null;
  name: string;
  region: RegionView | null;
  car_model: string;
  plate_number: string;
  capacity: number;
  wheelchair_accessible: boolean;
  is_online: boolean;
  status: string;
  current_lat: number | null;
  current_lon: number | null;
  current_position: { lat: number; lon: number } | null;
  last_location_update: string | null;
  rating: number;
}

/** Expects `user` and `region` fetched with the driver. */
export function toDriverView(driver: DriverModel): DriverView {
  const hasPosition = driver.current_lat !== null && driver.current_lon !== null;
  return {
    id: driver.id,
    user: driver.user ? toUserView(driver.user) : null,
    name: driver.name,
    region: driver.region ? toRegionView(driver.region) : null,
    car_model: driver.car_model,
    plate_number: driver.plate_number,
    capacity: driver.capacity,
    wheelchair_accessible: driver.wheelchair_accessible,
    is_online: driver.is_online,
    status: driver.status,
    current_lat: driver.current_lat,
    current_lon: driver.current_lon,
    current_position: hasPosition ? { lat: driver.current_lat!, lon: driver.current_lon! } : null,
    last_location_update: driver.last_location_update?.toISOString() ?? null,
    rating: Number(driver.rating),
  };
}
