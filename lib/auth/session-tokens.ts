/**
 * Login sessions and their tokens. A session is the revocation point: the access token
 * carries its id and every check reads it, so revoking the session (logout, refresh-token
 * reuse) stops the access and the refresh tokens at once.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.js';
import {
  insertRefreshToken,
  lockRefreshToken,
  markRefreshTokenUsed,
} from '../../db/repositories/refresh-token.repository.js';
import {
  createSession,
  findActiveSessionActor,
  revokeSession,
} from '../../db/repositories/session.repository.js';
import type { AppDeps } from '../deps.js';
import { AppError, type ErrorCode } from '../errors/app-error.js';
import { signAccessToken } from './access-token.js';
import type { UserActor, UserRole } from './actor.js';
import { decideRefresh, signRefreshToken, verifyRefreshClaims } from './refresh-token.js';
import { announceSessionsRevoked } from '../realtime/session-revocations.js';

export interface TokenPair {
  access: string;
  refresh: string;
}

type TokenDeps = Pick<AppDeps, 'db' | 'config' | 'clock'>;

/** Revoking announces it on Redis, so every process drops the session at once. */
type RevokingDeps = Pick<AppDeps, 'db' | 'config' | 'clock' | 'redis'>;

async function issueTokenPair(
  db: Db,
  deps: TokenDeps,
  user: { id: number; role: UserRole },
  sessionId: string,
): Promise<TokenPair> {
  const tokenId = randomUUID();
  const expiresAt = new Date(deps.clock.now().getTime() + deps.config.jwt.refreshTtlSeconds * 1000);
  await insertRefreshToken(db, { id: tokenId, session_id: sessionId, expires_at: expiresAt });
  return {
    access: signAccessToken(deps.config.jwt, { userId: user.id, role: user.role, sessionId }),
    refresh: signRefreshToken(deps.config.jwt, { userId: user.id, sessionId, tokenId }),
  };
}

/**
 * Starts a session for a user who has just proved their phone (verify-otp). The caller is
 * not that user's session yet: anyone, or a signed-in caller logging in on a second account.
 */
export async function openSession(
  deps: TokenDeps,
  _actor: UserActor | undefined,
  input: { user: { id: number; role: UserRole } },
): Promise<TokenPair> {
  const { user } = input;
  return deps.db.transaction(async (trx) => {
    const sessionId = randomUUID();
    await createSession(trx, sessionId, user.id);
    return issueTokenPair(trx, deps, user, sessionId);
  });
}

/**
 * Trades a refresh token for a new pair. Reuse of a spent token revokes the session; that
 * revocation commits before the 401 is thrown. `reuseGrace` (the original apps' refresh
 * alias) lets a spent token rotate again within the configured window (lib/auth/refresh-token).
 */
export async function rotateRefreshToken(
  deps: RevokingDeps,
  _actor: UserActor | undefined,
  input: { refresh: string; reuseGrace?: boolean },
): Promise<TokenPair> {
  const graceMs = input.reuseGrace ? deps.config.jwt.refreshReuseGraceSeconds * 1000 : 0;
  const claims = verifyRefreshClaims(deps.config.jwt, input.refresh);
  const outcome = await deps.db.transaction(
    async (trx): Promise<TokenPair | { error: ErrorCode; revoked?: true }> => {
      const now = deps.clock.now();
      const stored = await lockRefreshToken(trx, claims.jti);
      const decision = decideRefresh(claims, stored, now, graceMs);
      if (decision === 'reuse') {
        await revokeSession(trx, claims.sid, 'refresh_reuse');
        return { error: 'token_revoked', revoked: true };
      }
      if (decision === 'revoked') return { error: 'token_revoked' };
      if (decision !== 'rotate') return { error: 'invalid_token' };
      // The user may have been deactivated, or their role changed, since the last pair.
      const actor = await findActiveSessionActor(trx, claims.sid, Number(claims.sub));
      if (!actor) return { error: 'token_revoked' };
      await markRefreshTokenUsed(trx, claims.jti, now);
      return issueTokenPair(trx, deps, { id: actor.userId, role: actor.role }, claims.sid);
    },
  );
  if ('error' in outcome) {
    // Reuse revoked the session: cached sessions and open sockets everywhere drop it now.
    if (outcome.revoked) await announceSessionsRevoked(deps.redis, deps.config.redis.prefix);
    throw new AppError(outcome.error);
  }
  return outcome;
}

/**
 * Ends the caller's session. A refresh token sent along ends its session too when it is the
 * caller's own (an app that lost its access token still logs out the right session); an
 * unreadable or foreign one is ignored, logout must not fail the user.
 */
export async function closeSession(
  deps: RevokingDeps,
  actor: UserActor,
  input: { refresh?: string | undefined },
): Promise<void> {
  const { refresh } = input;
  const sessionIds = new Set([actor.sessionId]);
  if (refresh) {
    try {
      const claims = verifyRefreshClaims(deps.config.jwt, refresh, { ignoreExpiration: true });
      if (claims.sub === String(actor.userId)) sessionIds.add(claims.sid);
    } catch {
      // Not a token of ours: the caller's own session is still ended below.
    }
  }
  for (const sessionId of sessionIds) await revokeSession(deps.db.knex, sessionId, 'logout');
  // Open sockets of the session are dropped now, not at the next sweep.
  await announceSessionsRevoked(deps.redis, deps.config.redis.prefix);
}
