/** The contract's Passenger and User shapes. */
import type { PassengerModel, UserModel } from '../../db/models/models.js';
import { toRegionView, type RegionView } from '../regions/region-view.js';

export interface UserView {
  id: number;
  username: string;
  phone: string;
  role: string;
  email: string | null;
}

export const toUserView = (user: UserModel): UserView => ({
  id: user.id,
  username: user.username,
  phone: user.phone,
  role: user.role,
  email: user.email,
});

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
