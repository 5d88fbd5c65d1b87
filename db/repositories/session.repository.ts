/** Login sessions: the revocation point for every token issued in them. */
import type { Db } from '../database.js';
import type { UserActor, UserRole } from '../../lib/auth/actor.js';

interface SessionActorRow {
  user_id: number;
  role: UserRole;
  passenger_id: number | null;
  driver_id: number | null;
}

/** The actor behind a live session of an active user, or undefined when revoked/gone. */
export async function findActiveSessionActor(
  db: Db,
  sessionId: string,
  userId: number,
): Promise<UserActor | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return undefined;
  const row = await db('auth_sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .leftJoin('passengers as p', function () {
      this.on('p.user_id', 'u.id').andOnVal('p.is_active', true);
    })
    .leftJoin('drivers as d', function () {
      this.on('d.user_id', 'u.id').andOnVal('d.is_active', true);
    })
    .where({ 's.id': sessionId, 's.user_id': userId, 'u.is_active': true })
    .whereNull('s.revoked_at')
    .first<SessionActorRow | undefined>(
      'u.id as user_id',
      'u.role',
      'p.id as passenger_id',
      'd.id as driver_id',
    );
  if (!row) return undefined;
  return {
    kind: 'user',
    userId: row.user_id,
    role: row.role,
    sessionId,
    passengerId: row.passenger_id,
    driverId: row.driver_id,
  };
}

export async function createSession(db: Db, sessionId: string, userId: number): Promise<void> {
  await db('auth_sessions').insert({ id: sessionId, user_id: userId });
}

export async function revokeSession(db: Db, sessionId: string, reason: string): Promise<void> {
  await db('auth_sessions')
    .where({ id: sessionId })
    .whereNull('revoked_at')
    .update({ revoked_at: db.fn.now(), revoked_reason: reason });
}
