/** The audit trail table: appended in the caller's transaction, read newest first. */
import type { Db } from '../database.js';

export type AuditAction = 'create' | 'update' | 'deactivate';
export type AuditEntityType = 'region' | 'passenger' | 'driver' | 'user';

export interface AuditInsert {
  actor_user_id: number | null;
  action: AuditAction;
  entity_type: AuditEntityType;
  entity_id: string;
  changes: Record<string, unknown>;
}

export interface AuditRow extends AuditInsert {
  id: number;
  created_at: Date;
  /** The acting staff member's name at read time (null for the system or a nameless user). */
  actor_full_name: string | null;
}

export interface AuditFilters {
  entity_type?: AuditEntityType | undefined;
  entity_id?: string | undefined;
  actor_user_id?: number | undefined;
}

export async function insertAuditEntry(db: Db, entry: AuditInsert): Promise<void> {
  await db('audit_log').insert({ ...entry, changes: JSON.stringify(entry.changes) });
}

export async function pageAuditEntries(
  db: Db,
  filters: AuditFilters,
  window: { limit: number; offset: number },
): Promise<{ count: number; rows: AuditRow[] }> {
  const base = db('audit_log').modify((q) => {
    if (filters.entity_type) q.where('audit_log.entity_type', filters.entity_type);
    if (filters.entity_id) q.where('audit_log.entity_id', filters.entity_id);
    if (filters.actor_user_id !== undefined) {
      q.where('audit_log.actor_user_id', filters.actor_user_id);
    }
  });
  const counted = (await base.clone().count({ n: '*' }).first()) as { n: number } | undefined;
  const rows = (await base
    .clone()
    .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
    .select('audit_log.*', 'users.full_name as actor_full_name')
    .orderBy('audit_log.id', 'desc')
    .limit(window.limit)
    .offset(window.offset)) as AuditRow[];
  return { count: counted?.n ?? 0, rows };
}
