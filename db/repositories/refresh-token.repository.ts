/** Refresh tokens: one row per issued token, each belonging to a login session (its family). */
import type { Db } from '../database.js';

export interface RefreshTokenRow {
  id: string;
  session_id: string;
  user_id: number;
  expires_at: Date;
  used_at: Date | null;
  session_revoked_at: Date | null;
  later_token_used: boolean;
}

export async function insertRefreshToken(
  db: Db,
  row: { id: string; session_id: string; expires_at: Date },
): Promise<void> {
  await db('refresh_tokens').insert(row);
}

/** The token with its session, locked, so two rotations of one token run one after another. */
export async function lockRefreshToken(db: Db, id: string): Promise<RefreshTokenRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return db('refresh_tokens as r')
    .join('auth_sessions as s', 's.id', 'r.session_id')
    .where('r.id', id)
    .forUpdate('r')
    .first<RefreshTokenRow | undefined>(
      'r.id',
      'r.session_id',
      's.user_id',
      'r.expires_at',
      'r.used_at',
      's.revoked_at as session_revoked_at',
      db.raw(
        `exists (select 1 from refresh_tokens l where l.session_id = r.session_id
           and l.id <> r.id and l.used_at > r.used_at) as later_token_used`,
      ),
    );
}

export async function markRefreshTokenUsed(db: Db, id: string, usedAt: Date): Promise<void> {
  await db('refresh_tokens').where({ id }).update({ used_at: usedAt });
}
