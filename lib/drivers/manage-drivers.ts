/**
 * The driver back office: admins create (with the login user, so the driver can sign in by
 * OTP at once), edit and deactivate. Every write and its audit row share one transaction.
 * Deactivating is refused while the driver holds an offer or an active order.
 */
import type { Db } from '../../db/database.js';
import {
  findDriverCommitments,
  findDriverWithGraph,
  insertDriverRow,
  lockDriverRow,
  updateDriverById,
  type DriverRow,
} from '../../db/repositories/driver.repository.js';
import { updateUserById } from '../../db/repositories/user-account.repository.js';
import type { Actor } from '../auth/actor.js';
import { normalizePhone } from '../auth/phone.js';
import { recordAudit } from '../audit/audit-trail.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { driverHoldingStatuses } from '../orders/order-status.js';
import { requireActiveRegion } from '../regions/require-active-region.js';
import { changeUserContact, claimUserForRole } from '../users/claim-user.js';
import { announceActorsChanged, closeLoginOfDeactivated } from '../users/login-access.js';
import type { CreateDriverInput, UpdateDriverInput } from './driver.schemas.js';
import { toStaffDriverView, type StaffDriverView } from './read-drivers.js';

type PeopleDeps = Pick<AppDeps, 'db' | 'config' | 'positionIndex' | 'redis'>;

async function requireDriver(trx: Db, id: number): Promise<DriverRow> {
  const driver = await findDriverWithGraph(trx, id);
  if (!driver) throw new AppError('not_found');
  return driver;
}

const plateTaken = (e: unknown): never => {
  if ((e as { constraint?: string }).constraint === 'drivers_plate_number_unique') {
    throw new AppError('conflict', { fields: { plate_number: ['Another driver has this plate'] } });
  }
  if ((e as { code?: string }).code === '23505') throw new AppError('profile_exists');
  throw e;
};

export async function createDriver(
  deps: PeopleDeps,
  actor: Actor,
  input: CreateDriverInput,
): Promise<StaffDriverView> {
  const phone = normalizePhone(input.phone, deps.config.defaultCountry);
  const result = await deps.db.transaction(async (trx) => {
    await requireActiveRegion(trx, input.region_id);
    const { user } = await claimUserForRole(trx, phone, 'driver', input.email ?? null);
    const vehicle = {
      name: input.name,
      region_id: input.region_id,
      car_model: input.car_model,
      plate_number: input.plate_number,
      capacity: input.capacity,
      wheelchair_accessible: input.wheelchair_accessible ?? false,
    };
    const id = await insertDriverRow(trx, { ...vehicle, user_id: user.id }).catch(plateTaken);
    await recordAudit(trx, actor, 'create', 'driver', id, { ...vehicle, user_id: user.id });
    return toStaffDriverView(await requireDriver(trx, id));
  });
  await announceActorsChanged(deps);
  return result;
}

export async function updateDriver(
  deps: PeopleDeps,
  actor: Actor,
  request: { id: number; changes: UpdateDriverInput },
): Promise<StaffDriverView> {
  const { id, changes: input } = request;
  const result = await deps.db.transaction(async (trx) => {
    // The driver row first, then its user, as deactivateDriver does: one order, no deadlock.
    const existing = await lockDriverRow(trx, id);
    if (!existing) throw new AppError('not_found');
    const { phone, email, is_active, ...vehicle } = input;
    if (vehicle.region_id !== undefined) await requireActiveRegion(trx, vehicle.region_id);
    const contact = await changeUserContact(
      trx,
      existing.user_id,
      { phone, email },
      deps.config.defaultCountry,
    );
    await updateDriverById(trx, id, { ...vehicle, is_active }).catch(plateTaken);
    // Reactivating the driver reactivates their login too; they come back offline.
    if (is_active === true) await updateUserById(trx, existing.user_id, { is_active: true });
    await recordAudit(trx, actor, 'update', 'driver', id, { ...vehicle, ...contact, is_active });
    return toStaffDriverView(await requireDriver(trx, id));
  });
  await announceActorsChanged(deps);
  return result;
}

export async function deactivateDriver(
  deps: PeopleDeps,
  actor: Actor,
  input: { id: number },
): Promise<void> {
  const { id } = input;
  const changed = await deps.db.transaction(async (trx) => {
    const driver = await lockDriverRow(trx, id);
    if (!driver) throw new AppError('not_found');
    if (!driver.is_active) return false;
    const commitments = await findDriverCommitments(trx, id, driverHoldingStatuses);
    if (commitments.activeOrder || commitments.pendingOffer) {
      throw new AppError('conflict', {
        extra: { reason: commitments.activeOrder ? 'active_order' : 'pending_offer' },
      });
    }
    await updateDriverById(trx, id, { is_active: false, is_online: false, status: 'offline' });
    await closeLoginOfDeactivated(trx, actor, { entity: 'driver', id, userId: driver.user_id });
    return true;
  });
  if (!changed) return;
  await deps.positionIndex.remove(id);
  // Every process drops its cached sessions; the driver's next request is refused at once.
  await announceActorsChanged(deps);
}
