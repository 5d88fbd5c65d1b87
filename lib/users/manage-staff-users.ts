/**
 * Staff accounts (dispatchers and admins): admins create, edit and deactivate, dispatchers
 * read. Every write is audited in its own transaction. The last active admin can be neither
 * demoted nor deactivated, or nobody could manage the service any more.
 */
import type { Db } from '../../db/database.js';
import {
  countActiveAdmins,
  findUserById,
  findUserRowByPhone,
  pageStaffUsers,
  updateUserById,
  type UserRow,
} from '../../db/repositories/user-account.repository.js';
import { isStaffRole, staffRoles, systemActor, type Actor, type StaffRole } from '../auth/actor.js';
import { normalizePhone } from '../auth/phone.js';
import { recordAudit } from '../audit/audit-trail.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { toPageWindow, type PageRequest } from '../pagination/paginate.js';
import { toUserView, type UserView } from './user-view.js';
import { claimUserForRole } from './claim-user.js';
import { announceActorsChanged, closeLoginOfDeactivated } from './login-access.js';
import type { CreateStaffUserInput, UpdateStaffUserInput } from './user.schemas.js';

export type StaffUserView = UserView & {
  full_name: string | null;
  is_active: boolean;
  created_at: string;
};

type PeopleDeps = Pick<AppDeps, 'db' | 'config' | 'redis'>;

const toStaffUserView = (user: UserRow): StaffUserView => ({
  ...toUserView(user),
  full_name: user.full_name,
  is_active: user.is_active,
  created_at: new Date(user.created_at).toISOString(),
});

const isStaffRow = (user: UserRow | undefined): user is UserRow =>
  user !== undefined && isStaffRole(user.role);

async function requireStaffRow(db: Db, id: number): Promise<UserRow> {
  const user = await findUserById(db, id);
  if (!isStaffRow(user)) throw new AppError('not_found');
  return user;
}

async function ensureAnAdminRemains(trx: Db): Promise<void> {
  if ((await countActiveAdmins(trx)) === 0) {
    throw new AppError('conflict', { extra: { reason: 'last_admin' } });
  }
}

/** Staff only (the route's access rule); the actor is part of every use case's shape. */
export async function listStaffUsers(
  deps: PeopleDeps,
  _actor: Actor,
  input: {
    filters: { role?: StaffRole | undefined; include_inactive?: boolean | undefined };
    page: PageRequest;
  },
): Promise<{ count: number; results: StaffUserView[] }> {
  const { filters, page } = input;
  const { count, rows } = await pageStaffUsers(
    deps.db.knex,
    {
      roles: filters.role ? [filters.role] : staffRoles,
      includeInactive: filters.include_inactive === true,
    },
    toPageWindow(page),
  );
  return { count, results: rows.map(toStaffUserView) };
}

/** Staff only (the route's access rule); the actor is part of every use case's shape. */
export async function getStaffUser(
  deps: PeopleDeps,
  _actor: Actor,
  input: { id: number },
): Promise<StaffUserView> {
  return toStaffUserView(await requireStaffRow(deps.db.knex, input.id));
}

export async function createStaffUser(
  deps: PeopleDeps,
  actor: Actor,
  input: CreateStaffUserInput,
): Promise<{ user: StaffUserView; created: boolean }> {
  const phone = normalizePhone(input.phone, deps.config.defaultCountry);
  const result = await deps.db.transaction(async (trx) => {
    const claimed = await claimUserForRole(trx, phone, input.role, input.email ?? null);
    if (!claimed.created && !claimed.promoted) {
      throw new AppError('conflict', { fields: { phone: ['This phone already has an account'] } });
    }
    const fullName = input.full_name ?? null;
    const user = await updateUserById(trx, claimed.user.id, { full_name: fullName });
    await recordAudit(trx, actor, 'create', 'user', user.id, {
      role: input.role,
      email: input.email ?? null,
      ...(fullName === null ? {} : { full_name: fullName }),
    });
    return { user: toStaffUserView(user), created: claimed.created };
  });
  // A promoted login has a new role in every session it has open.
  if (!result.created) await announceActorsChanged(deps);
  return result;
}

export async function updateStaffUser(
  deps: PeopleDeps,
  actor: Actor,
  request: { id: number; changes: UpdateStaffUserInput },
): Promise<StaffUserView> {
  const { id, changes: input } = request;
  const user = await deps.db.transaction(async (trx) => {
    await requireStaffRow(trx, id);
    const user = await updateUserById(trx, id, input);
    await ensureAnAdminRemains(trx);
    await recordAudit(trx, actor, 'update', 'user', id, { ...input });
    return toStaffUserView(user);
  });
  // Edits are rare; a role or activity change must reach cached sessions at once.
  await announceActorsChanged(deps);
  return user;
}

export async function deactivateStaffUser(
  deps: PeopleDeps,
  actor: Actor,
  input: { id: number },
): Promise<void> {
  const { id } = input;
  await deps.db.transaction(async (trx) => {
    const existing = await requireStaffRow(trx, id);
    if (!existing.is_active) return;
    await closeLoginOfDeactivated(trx, actor, { entity: 'user', id, userId: id });
    await ensureAnAdminRemains(trx);
  });
  await announceActorsChanged(deps);
}

export type EnsureOutcome = 'created' | 'promoted' | 'role_changed' | 'unchanged';

/**
 * For `npm run user:create`: idempotent. A new phone becomes a staff account, a bare login
 * is promoted, a staff account takes the asked role, and the same call again changes nothing.
 * Changes are audited as the system (no user is acting).
 */
export async function ensureStaffUser(
  deps: PeopleDeps,
  input: { phone: string; role: StaffRole },
): Promise<{ user: StaffUserView; outcome: EnsureOutcome }> {
  const phone = normalizePhone(input.phone, deps.config.defaultCountry);
  const result = await deps.db.transaction(async (trx) => {
    const existing = await findUserRowByPhone(trx, phone);
    if (existing?.is_active && isStaffRow(existing) && existing.role !== input.role) {
      const user = await updateUserById(trx, existing.id, { role: input.role });
      await ensureAnAdminRemains(trx);
      await recordAudit(trx, systemActor, 'update', 'user', user.id, { role: input.role });
      return { user: toStaffUserView(user), outcome: 'role_changed' as const };
    }
    const claimed = await claimUserForRole(trx, phone, input.role);
    if (!claimed.created && !claimed.promoted) {
      return { user: toStaffUserView(claimed.user), outcome: 'unchanged' as const };
    }
    await recordAudit(trx, systemActor, 'create', 'user', claimed.user.id, { role: input.role });
    return {
      user: toStaffUserView(claimed.user),
      outcome: claimed.created ? ('created' as const) : ('promoted' as const),
    };
  });
  if (result.outcome === 'role_changed' || result.outcome === 'promoted')
    await announceActorsChanged(deps);
  return result;
}
