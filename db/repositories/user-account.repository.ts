/** User rows as the back office manages them: created by phone, edited, deactivated. */
import type { UserRole } from '../../lib/auth/actor.js';
import type { Db } from '../database.js';
import { UserModel } from '../models/models.js';

export type UserRow = UserModel;

export interface UserWrite {
  phone?: string;
  role?: UserRole;
  email?: string | null;
  full_name?: string | null;
  is_active?: boolean;
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return UserModel.query(db).findById(id);
}

export async function findUserRowByPhone(db: Db, phone: string): Promise<UserRow | undefined> {
  return UserModel.query(db).findOne({ phone });
}

/** The profiles a user holds, active or not (a user has at most one of each). */
export async function findProfileIdsOfUser(
  db: Db,
  userId: number,
): Promise<{ passengerId: number | null; driverId: number | null }> {
  const passenger = await db('passengers')
    .where({ user_id: userId })
    .first<{ id: number } | undefined>('id');
  const driver = await db('drivers')
    .where({ user_id: userId })
    .first<{ id: number } | undefined>('id');
  return { passengerId: passenger?.id ?? null, driverId: driver?.id ?? null };
}

export async function insertUser(
  db: Db,
  user: { phone: string; role: UserRole; email?: string | null },
): Promise<UserRow> {
  // The username is the phone, as the original's accounts were.
  const [row] = (await db('users')
    .insert({ ...user, username: user.phone })
    .returning('*')) as UserRow[];
  return row!;
}

export async function updateUserById(db: Db, id: number, patch: UserWrite): Promise<UserRow> {
  const changes: Record<string, unknown> = { ...patch, updated_at: db.fn.now() };
  if (patch.phone !== undefined) changes.username = patch.phone;
  const [row] = (await db('users').where({ id }).update(changes).returning('*')) as UserRow[];
  if (!row) throw new Error(`user ${id} vanished during update`);
  return row;
}

export async function pageStaffUsers(
  db: Db,
  /** `roles`: the staff roles (lib/auth/actor.ts), or the one asked for. */
  filters: { roles: readonly UserRole[]; includeInactive: boolean },
  window: { limit: number; offset: number },
): Promise<{ count: number; rows: UserRow[] }> {
  const base = UserModel.query(db)
    .whereIn('role', filters.roles)
    .modify((q) => {
      if (!filters.includeInactive) q.where('is_active', true);
    });
  const count = await base.clone().resultSize();
  const rows = await base.clone().orderBy('id').limit(window.limit).offset(window.offset);
  return { count, rows };
}

export async function countActiveAdmins(db: Db): Promise<number> {
  return UserModel.query(db).where({ role: 'admin', is_active: true }).resultSize();
}

/** Ends every live login of the user: their tokens stop working even if they are reactivated. */
export async function revokeSessionsOfUser(db: Db, userId: number): Promise<void> {
  await db('auth_sessions')
    .where({ user_id: userId })
    .whereNull('revoked_at')
    .update({ revoked_at: db.fn.now(), revoked_reason: 'account_deactivated' });
}
