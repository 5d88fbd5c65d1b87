/**
 * Batched deletes of rows past their use, for housekeeping (lib/maintenance). Each call deletes
 * at most `limit` rows picked by key in a subquery, so one statement holds few row locks and
 * ends quickly; the caller repeats until a call returns less than `limit`. Where a row can
 * change between the subquery and the delete, the condition is checked again on the delete.
 * `key = any(array(subquery))` rather than `key in (subquery)`: the planner then fetches the
 * picked rows by primary key instead of hashing a scan of the whole table.
 *
 * One verb each: a query here (and deletePublishedOutboxRows in outbox.repository.ts) is a
 * `delete…`; `prune` is the housekeeping run that repeats them all (lib/maintenance/prune.ts).
 */
import type { SmsStatus } from '../../lib/sms/sms-status.js';
import type { Db, Knex } from '../database.js';

/** `finishedStatuses`: after which a message is never touched again (lib/sms/sms-status.ts). */
export async function deleteFinishedSmsMessages(
  db: Db,
  finishedStatuses: readonly SmsStatus[],
  createdBefore: Date,
  limit: number,
): Promise<number> {
  const finished = (query: Knex.QueryBuilder): void => {
    query.whereIn('status', finishedStatuses).where('created_at', '<', createdBefore);
  };
  return db('sms_messages')
    .whereRaw('?? = any(array(?))', [
      'id',
      db('sms_messages').select('id').modify(finished).limit(limit),
    ])
    .modify(finished)
    .delete();
}

/** A new code for the phone replaces the row (new expiry) and keeps it. */
export async function deleteExpiredOtpCodes(
  db: Db,
  expiredBefore: Date,
  limit: number,
): Promise<number> {
  return db('otp_codes')
    .whereRaw('?? = any(array(?))', [
      'phone',
      db('otp_codes').select('phone').where('expires_at', '<', expiredBefore).limit(limit),
    ])
    .where('expires_at', '<', expiredBefore)
    .delete();
}

/** A token's expiry never changes, so the subquery's pick stands. */
export async function deleteExpiredRefreshTokens(
  db: Db,
  expiredBefore: Date,
  limit: number,
): Promise<number> {
  return db('refresh_tokens')
    .whereRaw('?? = any(array(?))', [
      'id',
      db('refresh_tokens').select('id').where('expires_at', '<', expiredBefore).limit(limit),
    ])
    .delete();
}

/**
 * Sessions that can no longer authorise anything after `cutoff` (now minus the access-token
 * lifetime): revoked before it, or never revoked but opened before it with no refresh token
 * expiring after it. Every access token is issued with a refresh token (or with the session),
 * so none of theirs is still valid. A session's remaining refresh tokens go with it (cascade).
 */
export async function deleteDeadSessions(db: Db, cutoff: Date, limit: number): Promise<number> {
  const outOfUse = (query: Knex.QueryBuilder): void => {
    query
      .whereNull('auth_sessions.revoked_at')
      .where('auth_sessions.created_at', '<', cutoff)
      .whereNotExists(
        db('refresh_tokens as r')
          .select(db.raw('1'))
          .whereRaw('r.session_id = auth_sessions.id')
          .where('r.expires_at', '>=', cutoff),
      );
  };
  const dead = (query: Knex.QueryBuilder): void => {
    query.where((either) => {
      either.where('auth_sessions.revoked_at', '<', cutoff).orWhere(outOfUse);
    });
  };
  return db('auth_sessions')
    .whereRaw('?? = any(array(?))', [
      'id',
      db('auth_sessions').select('id').modify(dead).limit(limit),
    ])
    .modify(dead)
    .delete();
}
