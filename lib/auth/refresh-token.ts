/**
 * Refresh tokens: JWTs naming one row of `refresh_tokens` (jti) and its session (sid). Each
 * is good for one rotation. A second use of the same token means it was copied, so the whole
 * session (the token family, and every access token of it) is revoked.
 */
import jwt from 'jsonwebtoken';
import { AppError } from '../errors/app-error.js';

export interface RefreshClaims {
  sub: string;
  sid: string;
  jti: string;
  typ: 'refresh';
}

export interface RefreshJwtSettings {
  secret: string;
  refreshTtlSeconds: number;
}

export function signRefreshToken(
  settings: RefreshJwtSettings,
  claims: { userId: number; sessionId: string; tokenId: string },
): string {
  return jwt.sign({ sid: claims.sessionId, typ: 'refresh' }, settings.secret, {
    algorithm: 'HS256',
    expiresIn: settings.refreshTtlSeconds,
    subject: String(claims.userId),
    jwtid: claims.tokenId,
  });
}

/** Verifies signature and type; `ignoreExpiration` serves logout, which accepts old tokens. */
export function verifyRefreshClaims(
  settings: Pick<RefreshJwtSettings, 'secret'>,
  token: string,
  options: { ignoreExpiration?: boolean } = {},
): RefreshClaims {
  try {
    const decoded = jwt.verify(token, settings.secret, {
      algorithms: ['HS256'],
      ignoreExpiration: options.ignoreExpiration ?? false,
    });
    if (
      typeof decoded === 'object' &&
      typeof decoded.exp === 'number' &&
      decoded.typ === 'refresh' &&
      typeof decoded.sub === 'string' &&
      typeof decoded.sid === 'string' &&
      typeof decoded.jti === 'string'
    ) {
      return decoded as unknown as RefreshClaims;
    }
  } catch {
    // Expired, forged or malformed: all the same to the caller.
  }
  throw new AppError('invalid_token');
}

export interface StoredRefreshToken {
  session_id: string;
  user_id: number;
  expires_at: Date;
  used_at: Date | null;
  session_revoked_at: Date | null;
  /** A token of the same session was used after this one: the family moved on. */
  later_token_used?: boolean;
}

export type RefreshDecision = 'rotate' | 'reuse' | 'revoked' | 'expired' | 'unknown';

/**
 * A spent token presented again is a copy, unless a reuse grace applies: within `graceMs` of
 * its last use, and no later token of the session used since (an app that kept only the
 * access token from the original's `refresh-token/`, presenting its one refresh token again).
 */
function isGracedReuse(stored: StoredRefreshToken, now: Date, graceMs: number): boolean {
  if (graceMs <= 0 || stored.used_at === null || stored.later_token_used !== false) return false;
  return now.getTime() - stored.used_at.getTime() <= graceMs;
}

/** What to do with a presented refresh token, given its stored row. Pure. */
export function decideRefresh(
  claims: Pick<RefreshClaims, 'sub' | 'sid'>,
  stored: StoredRefreshToken | undefined,
  now: Date,
  reuseGraceMs = 0,
): RefreshDecision {
  if (!stored || stored.session_id !== claims.sid || String(stored.user_id) !== claims.sub) {
    return 'unknown';
  }
  if (stored.session_revoked_at !== null) return 'revoked';
  if (stored.used_at !== null && !isGracedReuse(stored, now, reuseGraceMs)) return 'reuse';
  if (stored.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'rotate';
}
