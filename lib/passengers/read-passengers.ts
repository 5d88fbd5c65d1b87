/**
 * Passenger reads. Staff see everyone (and whether they are active); a passenger sees only
 * themself, and any other id is a 404 so that ids reveal nothing. Drivers are refused at the
 * route (403): they meet passengers only inside their offers and orders.
 */
import {
  findPassengerWithGraph,
  pagePassengers,
  type PassengerRow,
} from '../../db/repositories/passenger.repository.js';
import { isStaff, type UserActor } from '../auth/actor.js';
import { normalizePhone } from '../auth/phone.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { toPageWindow, type PageRequest } from '../pagination/paginate.js';
import type { PassengerListQuery } from './passenger.schemas.js';
import { toPassengerView, type PassengerView } from './passenger-view.js';

export type StaffPassengerView = PassengerView & { is_active: boolean };

type PeopleDeps = Pick<AppDeps, 'db' | 'config'>;

export const toStaffPassengerView = (passenger: PassengerRow): StaffPassengerView => ({
  ...toPassengerView(passenger),
  is_active: passenger.is_active,
});

/** Staff only (the route's access rule); the actor is part of every use case's shape. */
export async function listPassengers(
  deps: PeopleDeps,
  _actor: UserActor,
  input: { filters: Omit<PassengerListQuery, 'page' | 'page_size'>; page: PageRequest },
): Promise<{ count: number; results: StaffPassengerView[] }> {
  const { filters, page } = input;
  const phone =
    filters.phone === undefined
      ? undefined
      : normalizePhone(filters.phone, deps.config.defaultCountry);
  const { count, rows } = await pagePassengers(
    deps.db.knex,
    { phone, region_id: filters.region_id, includeInactive: filters.include_inactive === true },
    toPageWindow(page),
  );
  return { count, results: rows.map(toStaffPassengerView) };
}

export async function getPassenger(
  deps: PeopleDeps,
  actor: UserActor,
  input: { id: number },
): Promise<PassengerView> {
  const { id } = input;
  const staff = isStaff(actor);
  if (!staff && actor.passengerId !== id) throw new AppError('not_found');
  const passenger = await findPassengerWithGraph(deps.db.knex, id);
  if (!passenger || (!staff && !passenger.is_active)) throw new AppError('not_found');
  return staff ? toStaffPassengerView(passenger) : toPassengerView(passenger);
}

/** The caller's own profile; a passenger who has not registered one yet gets 403. */
export async function getOwnPassenger(deps: PeopleDeps, actor: UserActor): Promise<PassengerView> {
  if (actor.passengerId === null) throw new AppError('profile_required');
  return getPassenger(deps, actor, { id: actor.passengerId });
}
