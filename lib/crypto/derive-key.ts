/**
 * Keys for different purposes derived from the one configured secret (HKDF-SHA256), so the
 * OTP hashes, the SMS encryption and the JWT signatures never share a key.
 */
import { hkdfSync } from 'node:crypto';

const cache = new Map<string, Buffer>();

export function deriveKey(secret: string, purpose: string): Buffer {
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = cache.get(cacheKey);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'invo-dispatch', `invo:${purpose}`, 32));
    cache.set(cacheKey, key);
  }
  return key;
}
