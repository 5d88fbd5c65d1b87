/**
 * Access tokens: short JWTs naming the user, their role and their login session. Signing
 * and checking the signature only; who is calling (the token and its session) is
 * authenticate-caller.ts.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError } from '../errors/app-error.js';
import type { UserRole } from './actor.js';

export interface AccessClaims {
  sub: string;
  role: UserRole;
  sid: string;
  typ: 'access';
}

export interface JwtSettings {
  secret: string;
  accessTtlSeconds: number;
}

export function signAccessToken(
  settings: JwtSettings,
  claims: { userId: number; role: UserRole; sessionId: string },
): string {
  const payload: AccessClaims = {
    sub: String(claims.userId),
    role: claims.role,
    sid: claims.sessionId,
    typ: 'access',
  };
  return jwt.sign(payload, settings.secret, {
    algorithm: 'HS256',
    expiresIn: settings.accessTtlSeconds,
  });
}

/**
 * The secret as a KeyObject, made once: given a string, jsonwebtoken first tries (and fails)
 * to read it as a public key on every verify, which costs ~0.7 ms instead of ~30 µs — per
 * HTTP request, socket handshake and realtime session sweep.
 */
const secretKeys = new Map<string, KeyObject>();
function secretKeyFor(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret));
    secretKeys.set(secret, key);
  }
  return key;
}

export function verifyAccessClaims(settings: JwtSettings, token: string): AccessClaims {
  try {
    const decoded = jwt.verify(token, secretKeyFor(settings.secret), { algorithms: ['HS256'] });
    if (
      typeof decoded === 'object' &&
      // jsonwebtoken accepts a token without exp; ours always carry one.
      typeof decoded.exp === 'number' &&
      decoded.typ === 'access' &&
      typeof decoded.sub === 'string' &&
      typeof decoded.sid === 'string'
    ) {
      return decoded as unknown as AccessClaims;
    }
  } catch {
    // Expired, forged or malformed: all the same to the caller.
  }
  throw new AppError('invalid_token');
}

/**
 * Tokens this process has verified, so a device sending the same token every few seconds is
 * not HMAC-checked and parsed each time. Only good tokens, held until their own expiry (and
 * per secret); revocation is the session's business, not the token's.
 */
const verified = new Map<string, { secret: string; claims: AccessClaims & { exp: number } }>();
const maxVerified = 50_000;

/** verifyAccessClaims, remembering the good tokens it has seen (see `verified`). */
export function verifyAccessClaimsMemoised(settings: JwtSettings, token: string): AccessClaims {
  const hit = verified.get(token);
  if (hit && hit.secret === settings.secret && hit.claims.exp * 1000 > Date.now()) {
    return hit.claims;
  }
  const claims = verifyAccessClaims(settings, token) as AccessClaims & { exp: number };
  if (verified.size >= maxVerified) verified.clear();
  verified.set(token, { secret: settings.secret, claims });
  return claims;
}
