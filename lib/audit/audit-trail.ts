/**
 * The back office's audit trail. `recordAudit` takes the transaction of the change it
 * describes, so a change and its audit row commit or roll back together.
 */
import type { Db } from '../../db/database.js';
import {
  insertAuditEntry,
  pageAuditEntries,
  type AuditAction,
  type AuditEntityType,
  type AuditFilters,
} from '../../db/repositories/audit.repository.js';
import { actorUserId, type Actor, type UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { toPageWindow, type PageRequest } from '../pagination/paginate.js';

export const auditEntityTypes: readonly AuditEntityType[] = [
  'region',
  'passenger',
  'driver',
  'user',
];

export interface AuditEntryView {
  id: number;
  actor_user_id: number | null;
  actor_full_name: string | null;
  action: AuditAction;
  entity_type: AuditEntityType;
  entity_id: string;
  changes: Record<string, unknown>;
  created_at: string;
}

export async function recordAudit(
  trx: Db,
  actor: Actor,
  action: AuditAction,
  entityType: AuditEntityType,
  entityId: string | number,
  changes: Record<string, unknown>,
): Promise<void> {
  await insertAuditEntry(trx, {
    actor_user_id: actorUserId(actor),
    action,
    entity_type: entityType,
    entity_id: String(entityId),
    changes,
  });
}

/** Staff only (the route's access rule); the actor is part of every use case's shape. */
export async function listAuditEntries(
  deps: Pick<AppDeps, 'db'>,
  _actor: UserActor,
  input: { filters: AuditFilters; page: PageRequest },
): Promise<{ count: number; results: AuditEntryView[] }> {
  const window = toPageWindow(input.page);
  const { count, rows } = await pageAuditEntries(deps.db.knex, input.filters, window);
  return {
    count,
    results: rows.map((row) => ({
      id: row.id,
      actor_user_id: row.actor_user_id,
      actor_full_name: row.actor_full_name,
      action: row.action,
      entity_type: row.entity_type,
      entity_id: row.entity_id,
      changes: row.changes,
      created_at: row.created_at.toISOString(),
    })),
  };
}
