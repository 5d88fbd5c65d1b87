/**
 * Driver reads. Staff see every driver (and whether they are active); a driver sees only
 * themself, any other id is a 404. Passengers are refused at the route (403): they see their
 * own driver inside their order, never the fleet.
 */
import type { Db } from '../../db/database.js';
import {
  findDriverWithGraph,
  pageDrivers,
  type DriverRow,
} from '../../db/repositories/driver.repository.js';
import { isStaff, type UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { toPageWindow, type PageRequest } from '../pagination/paginate.js';
import type { DriverListQuery } from './driver.schemas.js';
import { toDriverView, type DriverView } from './driver-view.js';

export type StaffDriverView = DriverView & { is_active: boolean };

export const toStaffDriverView = (driver: DriverRow): StaffDriverView => ({
  ...toDriverView(driver),
  is_active: driver.is_active,
});

/** The driver as the contract shows them; 404 when the row is gone. */
export async function loadDriverView(db: Db, id: number): Promise<DriverView> {
  const driver = await findDriverWithGraph(db, id);
  if (!driver) throw new AppError('not_found');
  return toDriverView(driver);
}

/** Staff only (the route's access rule); the actor is part of every use case's shape. */
export async function listDrivers(
  deps: Pick<AppDeps, 'db'>,
  _actor: UserActor,
  input: { filters: Omit<DriverListQuery, 'page' | 'page_size'>; page: PageRequest },
): Promise<{ count: number; results: StaffDriverView[] }> {
  const { filters, page } = input;
  const { include_inactive, ...rest } = filters;
  const { count, rows } = await pageDrivers(
    deps.db.knex,
    { ...rest, includeInactive: include_inactive === true },
    toPageWindow(page),
  );
  return { count, results: rows.map(toStaffDriverView) };
}

export async function getDriver(
  deps: Pick<AppDeps, 'db'>,
  actor: UserActor,
  input: { id: number },
): Promise<DriverView> {
  const { id } = input;
  const staff = isStaff(actor);
  if (!staff && actor.driverId !== id) throw new AppError('not_found');
  const driver = await findDriverWithGraph(deps.db.knex, id);
  if (!driver || (!staff && !driver.is_active)) throw new AppError('not_found');
  return staff ? toStaffDriverView(driver) : toDriverView(driver);
}

/** The calling driver; a driver login without a driver profile gets 403. */
export async function getOwnDriver(
  deps: Pick<AppDeps, 'db'>,
  actor: UserActor,
): Promise<DriverView> {
  if (actor.driverId === null) throw new AppError('profile_required');
  return getDriver(deps, actor, { id: actor.driverId });
}
