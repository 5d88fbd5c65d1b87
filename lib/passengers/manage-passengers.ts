/**
 * Passenger writes: a passenger edits their own profile; admins create (with the login user,
 * so the person can sign in by OTP at once), edit and deactivate. Every write and its audit
 * row share one transaction.
 */
import type { Db } from '../../db/database.js';
import {
  findPassengerWithGraph,
  hasOpenOrder,
  insertPassengerRow,
  lockPassengerRow,
  updatePassengerById,
  type PassengerRow,
} from '../../db/repositories/passenger.repository.js';
import { updateUserById } from '../../db/repositories/user-account.repository.js';
import type { Actor, UserActor } from '../auth/actor.js';
import { normalizePhone } from '../auth/phone.js';
import { recordAudit } from '../audit/audit-trail.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { terminalStatuses } from '../orders/order-status.js';
import { requireActiveRegion } from '../regions/require-active-region.js';
import { changeUserContact, claimUserForRole } from '../users/claim-user.js';
import { announceActorsChanged, closeLoginOfDeactivated } from '../users/login-access.js';
import type {
  CreatePassengerInput,
  UpdateOwnPassengerInput,
  UpdatePassengerInput,
} from './passenger.schemas.js';
import { toStaffPassengerView, type StaffPassengerView } from './read-passengers.js';
import { toPassengerView, type PassengerView } from './passenger-view.js';

type PeopleDeps = Pick<AppDeps, 'db' | 'config' | 'redis'>;

async function requirePassenger(trx: Db, id: number): Promise<PassengerRow> {
  const passenger = await findPassengerWithGraph(trx, id);
  if (!passenger) throw new AppError('not_found');
  return passenger;
}

/** Writes lock the passenger row first, then its user: one order, so no deadlock. */
async function lockPassenger(trx: Db, id: number): Promise<PassengerRow> {
  const passenger = await lockPassengerRow(trx, id);
  if (!passenger) throw new AppError('not_found');
  return passenger;
}

export async function updateOwnPassenger(
  deps: PeopleDeps,
  actor: UserActor,
  input: UpdateOwnPassengerInput,
): Promise<PassengerView> {
  if (actor.passengerId === null) throw new AppError('profile_required');
  const id = actor.passengerId;
  return deps.db.transaction(async (trx) => {
    await lockPassenger(trx, id);
    if (input.region_id !== undefined) await requireActiveRegion(trx, input.region_id);
    await updatePassengerById(trx, id, input);
    await recordAudit(trx, actor, 'update', 'passenger', id, { ...input });
    return toPassengerView(await requirePassenger(trx, id));
  });
}

export async function createPassenger(
  deps: PeopleDeps,
  actor: Actor,
  input: CreatePassengerInput,
): Promise<StaffPassengerView> {
  const phone = normalizePhone(input.phone, deps.config.defaultCountry);
  const result = await deps.db.transaction(async (trx) => {
    await requireActiveRegion(trx, input.region_id);
    const { user } = await claimUserForRole(trx, phone, 'passenger', input.email ?? null);
    const row = {
      user_id: user.id,
      full_name: input.full_name,
      region_id: input.region_id,
      disability_category: input.disability_category,
      allowed_companion: input.allowed_companion ?? false,
      mobility_aid: input.mobility_aid ?? 'none',
    };
    const id = await insertPassengerRow(trx, row).catch((e: unknown) => {
      if ((e as { code?: string }).code === '23505') throw new AppError('profile_exists');
      throw e;
    });
    await recordAudit(trx, actor, 'create', 'passenger', id, row);
    return toStaffPassengerView(await requirePassenger(trx, id));
  });
  await announceActorsChanged(deps);
  return result;
}

export async function updatePassenger(
  deps: PeopleDeps,
  actor: Actor,
  request: { id: number; changes: UpdatePassengerInput },
): Promise<StaffPassengerView> {
  const { id, changes: input } = request;
  const result = await deps.db.transaction(async (trx) => {
    const existing = await lockPassenger(trx, id);
    const { phone, email, is_active, ...profile } = input;
    if (profile.region_id !== undefined) await requireActiveRegion(trx, profile.region_id);
    const contact = await changeUserContact(
      trx,
      existing.user_id,
      { phone, email },
      deps.config.defaultCountry,
    );
    await updatePassengerById(trx, id, { ...profile, is_active });
    // Reactivating the profile reactivates its login too.
    if (is_active === true) await updateUserById(trx, existing.user_id, { is_active: true });
    await recordAudit(trx, actor, 'update', 'passenger', id, { ...profile, ...contact, is_active });
    return toStaffPassengerView(await requirePassenger(trx, id));
  });
  await announceActorsChanged(deps);
  return result;
}

/**
 * Deactivates the passenger and their login (history stays). Refused while an order of
 * theirs is still open, so no trip runs for an account nobody can follow any more.
 */
export async function deactivatePassenger(
  deps: PeopleDeps,
  actor: Actor,
  input: { id: number },
): Promise<void> {
  const { id } = input;
  await deps.db.transaction(async (trx) => {
    const existing = await lockPassenger(trx, id);
    if (!existing.is_active) return;
    if (await hasOpenOrder(trx, id, terminalStatuses)) {
      throw new AppError('conflict', { extra: { reason: 'open_order' } });
    }
    await updatePassengerById(trx, id, { is_active: false });
    await closeLoginOfDeactivated(trx, actor, {
      entity: 'passenger',
      id,
      userId: existing.user_id,
    });
  });
  await announceActorsChanged(deps);
}
