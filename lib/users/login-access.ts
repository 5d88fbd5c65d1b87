/**
 * What a people write owes the login behind it. Deactivating a passenger, driver or staff
 * user closes their login: the user row goes inactive and every open session is revoked, in
 * the caller's transaction, so the record's change, its audit row and the revocation commit
 * together. After the commit, any write that can change what a session's actor is (role,
 * profile id, active) announces it, so every process's session cache
 * (lib/auth/session-cache.ts) drops its entries and the next request is checked afresh.
 */
import type { Db } from '../../db/database.js';
import type { AuditEntityType } from '../../db/repositories/audit.repository.js';
import {
  revokeSessionsOfUser,
  updateUserById,
} from '../../db/repositories/user-account.repository.js';
import { recordAudit } from '../audit/audit-trail.js';
import type { Actor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { announceSessionsRevoked } from '../realtime/session-revocations.js';

/**
 * The deactivation of a record (its own row already updated by the caller) closes the login
 * behind it and is audited, inside the caller's transaction; announce with
 * announceActorsChanged after the commit.
 */
export async function closeLoginOfDeactivated(
  trx: Db,
  actor: Actor,
  record: { entity: AuditEntityType; id: number; userId: number },
): Promise<void> {
  await updateUserById(trx, record.userId, { is_active: false });
  await revokeSessionsOfUser(trx, record.userId);
  await recordAudit(trx, actor, 'deactivate', record.entity, record.id, { is_active: false });
}

/** After the commit of a write that can change a session's actor. */
export const announceActorsChanged = (deps: Pick<AppDeps, 'redis' | 'config'>): Promise<void> =>
  announceSessionsRevoked(deps.redis, deps.config.redis.prefix);
