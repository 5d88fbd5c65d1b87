/**
 * One-time login codes, pure: generation from a cryptographic RNG, keyed hashing (the table
 * never holds a usable code), and the decision on a try. A code dies when it expires, when
 * it is used, or after `maxAttempts` wrong tries, whichever comes first.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../crypto/derive-key.js';

export const otpCodeLength = 6;

export function generateOtpCode(): string {
  return String(randomInt(0, 10 ** otpCodeLength)).padStart(otpCodeLength, '0');
}

/** HMAC-SHA256 over phone and code: a leaked table cannot be replayed for another phone. */
export function hashOtpCode(secret: string, phone: string, code: string): string {
  return createHmac('sha256', deriveKey(secret, 'otp')).update(`${phone}:${code}`).digest('hex');
}

/** Constant-time equality of two codes (the same length is assumed, checked anyway). */
export function isSameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface StoredOtp {
  code_hash: string;
  expires_at: Date;
  failed_attempts: number;
}

export type OtpCheck =
  | { outcome: 'accepted' }
  /** `attemptsLeft` is null where tries are not counted (test numbers). */
  | { outcome: 'wrong'; attemptsLeft: number | null }
  | { outcome: 'dead' };

/**
 * Decides a try against the stored code. `dead` covers no code, an expired code and a code
 * that has used up its tries: the caller must ask for a new one in every case.
 */
export function checkOtpCode(
  stored: StoredOtp | undefined,
  attempt: { phone: string; code: string },
  settings: { secret: string; maxAttempts: number },
  now: Date,
): OtpCheck {
  if (!stored) return { outcome: 'dead' };
  if (stored.expires_at.getTime() <= now.getTime()) return { outcome: 'dead' };
  if (stored.failed_attempts >= settings.maxAttempts) return { outcome: 'dead' };
  const given = hashOtpCode(settings.secret, attempt.phone, attempt.code);
  if (isSameCode(stored.code_hash, given)) return { outcome: 'accepted' };
  return { outcome: 'wrong', attemptsLeft: settings.maxAttempts - stored.failed_attempts - 1 };
}
