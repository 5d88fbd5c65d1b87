/**
 * The one rule for giving a phone an account of a role, shared by the back office and the
 * `user:create` command: a new phone gets a new user; a user who only ever logged in (a bare
 * passenger without any profile) may take the role; anyone else keeps theirs (409), so the
 * back office cannot silently turn a driver into a dispatcher.
 */
import type { Db } from '../../db/database.js';
import {
  findProfileIdsOfUser,
  findUserRowByPhone,
  insertUser,
  updateUserById,
  type UserRow,
} from '../../db/repositories/user-account.repository.js';
import type { UserRole } from '../auth/actor.js';
import { normalizePhone } from '../auth/phone.js';
import { AppError } from '../errors/app-error.js';

export interface ClaimedUser {
  user: UserRow;
  created: boolean;
  /** The role changed from a bare passenger login. */
  promoted: boolean;
}

const phoneTaken = (message: string) => new AppError('conflict', { fields: { phone: [message] } });

/** `phone` must already be normalised (E.164). Runs inside the caller's transaction. */
export async function claimUserForRole(
  trx: Db,
  phone: string,
  role: UserRole,
  email: string | null = null,
): Promise<ClaimedUser> {
  const existing = await findUserRowByPhone(trx, phone);
  if (!existing) {
    return { user: await insertUser(trx, { phone, role, email }), created: true, promoted: false };
  }
  if (!existing.is_active) {
    throw phoneTaken('This phone belongs to a deactivated account; reactivate it instead');
  }
  const profiles = await findProfileIdsOfUser(trx, existing.id);
  const isBareLogin =
    existing.role === 'passenger' && profiles.passengerId === null && profiles.driverId === null;
  if (existing.role === role) return { user: existing, created: false, promoted: false };
  if (!isBareLogin) throw phoneTaken(`This phone belongs to a ${existing.role} account`);
  const user = await updateUserById(trx, existing.id, { role });
  return { user, created: false, promoted: true };
}

/**
 * Changes a profile holder's login phone or email (back office). The phone is normalised
 * here; a phone that another account holds is a 409 on `phone`.
 */
export async function changeUserContact(
  trx: Db,
  userId: number,
  contact: { phone?: string | undefined; email?: string | null | undefined },
  defaultCountry: string,
): Promise<Record<string, unknown>> {
  const changes: { phone?: string; email?: string | null } = {};
  if (contact.phone !== undefined) {
    changes.phone = normalizePhone(contact.phone, defaultCountry);
    const holder = await findUserRowByPhone(trx, changes.phone);
    if (holder && holder.id !== userId) throw phoneTaken('This phone belongs to another account');
  }
  if (contact.email !== undefined) changes.email = contact.email;
  if (Object.keys(changes).length > 0) await updateUserById(trx, userId, changes);
  return changes;
}
