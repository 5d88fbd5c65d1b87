/** The contract's Passenger shape. */
import type { PassengerModel } from '../../db/models/models.js';
import { toRegionView, type RegionView } from '../regions/region-view.js';
import { toUserView, type UserView } from '../users/user-view.js';

export interface PassengerView {
  id: number;
  user: UserView | null;
  full_name: string;
  region: RegionView | null;
  disability_category: string;
  allowed_companion: boolean;
  mobility_aid: string;
}

/** Expects `user` and `region` fetched with the passenger. */
export function toPassengerView(passenger: PassengerModel): PassengerView {
  return {
    id: passenger.id,
    user: passenger.user ? toUserView(passenger.user) : null,
    full_name: passenger.full_name,
    region: passenger.region ? toRegionView(passenger.region) : null,
    disability_category: passenger.disability_category,
    allowed_companion: passenger.allowed_companion,
    mobility_aid: passenger.mobility_aid,
  };
}
