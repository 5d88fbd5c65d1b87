/**
 * Who is calling, from an access token: its signature and its session, so logout and
 * refresh-token reuse revoke a token at once. Two use cases, differing only in where the
 * session is read, so no edge reaches for the database itself.
 */
import { findActiveSessionActor } from '../../db/repositories/session.repository.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { verifyAccessClaims, verifyAccessClaimsMemoised } from './access-token.js';
import type { UserActor } from './actor.js';

/**
 * The session read from PostgreSQL every time: the Bull Board pages, the Socket.IO handshake
 * and the plain WebSocket, which check a token once per page or connection.
 */
export async function authenticateWithStoredSession(
  deps: Pick<AppDeps, 'db' | 'config'>,
  input: { token: string },
): Promise<UserActor> {
  const claims = verifyAccessClaims(deps.config.jwt, input.token);
  const actor = await findActiveSessionActor(deps.db.knex, claims.sid, Number(claims.sub));
  if (!actor) throw new AppError('token_revoked');
  return actor;
}

/**
 * The API's check of every request's bearer token: the signature memoised, the session from
 * this process's cache when it holds it (lib/auth/session-cache.ts, emptied by every
 * revocation announcement; no PostgreSQL round trip), else from PostgreSQL.
 */
export async function authenticateWithCachedSession(
  deps: Pick<AppDeps, 'db' | 'config' | 'sessionCache'>,
  input: { token: string },
): Promise<UserActor> {
  const claims = verifyAccessClaimsMemoised(deps.config.jwt, input.token);
  const userId = Number(claims.sub);
  const actor = await deps.sessionCache.lookup(claims.sid, userId, () =>
    findActiveSessionActor(deps.db.knex, claims.sid, userId),
  );
  if (!actor) throw new AppError('token_revoked');
  return actor;
}
