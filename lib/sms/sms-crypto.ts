/**
 * Sealing of an SMS at rest: AES-256-GCM with a key derived from the configured secret, so
 * a database dump or backup does not hold phone numbers next to live login codes.
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from '../crypto/derive-key.js';

export interface SmsPayload {
  phone: string;
  text: string;
}

const version = 'v1';
const ivBytes = 12;

export function sealSmsPayload(secret: string, payload: SmsPayload): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, 'sms'), iv);
  const ciphertext = Buffer.concat([
    cipher.update(JSON.stringify({ phone: payload.phone, text: payload.text }), 'utf8'),
    cipher.final(),
  ]);
  return [version, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** Throws when the sealed text was altered or sealed with another secret. */
export function openSmsPayload(secret: string, sealed: string): SmsPayload {
  const [tag, iv, authTag, ciphertext] = sealed.split('.');
  if (tag !== version || !iv || !authTag || ciphertext === undefined) {
    throw new Error('unsupported sealed SMS format');
  }
  const decipher = createDecipheriv(
    'aes-256-gcm',
    deriveKey(secret, 'sms'),
    Buffer.from(iv, 'base64url'),
  );
  decipher.setAuthTag(Buffer.from(authTag, 'base64url'));
  const plain = Buffer.concat([
    decipher.update(Buffer.from(ciphertext, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
  const parsed = JSON.parse(plain) as Partial<SmsPayload>;
  if (typeof parsed.phone !== 'string' || typeof parsed.text !== 'string') {
    throw new Error('sealed SMS payload is malformed');
  }
  return { phone: parsed.phone, text: parsed.text };
}
