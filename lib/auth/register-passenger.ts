/**
 * A new passenger user fills in their profile once. Invariant: one passenger profile per
 * user (also enforced by a unique key, so a race ends in 409, not a second profile).
 */
import {
  hasPassengerRow,
  insertPassengerProfile,
} from '../../db/repositories/login-user.repository.js';
import { findActiveRegionById } from '../../db/repositories/region.repository.js';
import { AppError } from '../errors/app-error.js';
import { toPassengerView, type PassengerView } from '../passengers/passenger-view.js';
import type { AppDeps } from '../deps.js';
import type { UserActor } from './actor.js';

export interface PassengerRegistration {
  full_name: string;
  region_id: string;
  disability_category: string;
  allowed_companion: boolean;
  mobility_aid: string;
}

export async function registerPassenger(
  deps: Pick<AppDeps, 'db'>,
  actor: UserActor,
  input: PassengerRegistration,
): Promise<PassengerView> {
  const db = deps.db.knex;
  if (await hasPassengerRow(db, actor.userId)) throw new AppError('profile_exists');
  const region = await findActiveRegionById(db, input.region_id);
  if (!region) {
    throw new AppError('validation_failed', { fields: { region_id: ['Unknown region'] } });
  }
  try {
    const passenger = await insertPassengerProfile(db, { ...input, user_id: actor.userId });
    return toPassengerView(passenger);
  } catch (e: unknown) {
    if ((e as { code?: string }).code === '23505') throw new AppError('profile_exists');
    throw e;
  }
}
