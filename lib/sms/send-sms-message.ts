/**
 * Sends one queued message. Safe to run again: only a `pending` message is sent, and a sent
 * one is marked (and its sealed payload wiped) right after the gateway accepts it. Delivery is
 * at least once: a crash between the gateway's answer and the mark sends it again, which
 * for a login code is harmless.
 */
import {
  findSmsMessage,
  markSmsExpired,
  markSmsSent,
  recordSmsFailure,
  type SmsStatus,
} from '../../db/repositories/sms-message.repository.js';
import type { Database } from '../../db/database.js';
import type { Clock } from '../clock/clock.js';
import type { Logger } from '../logger/logger.js';
import { openSmsPayload } from './sms-crypto.js';
import { SmsDeliveryError, type SmsProvider } from './sms-provider.js';

interface SendDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  secret: string;
}

export interface SendAttempt {
  signal: AbortSignal;
  /** The queue will not try again after this attempt: a failure gives the message up. */
  isFinalAttempt: boolean;
}

export type SendOutcome = SmsStatus | 'missing';

export async function sendSmsMessage(
  deps: SendDeps,
  provider: SmsProvider,
  smsMessageId: number,
  attempt: SendAttempt,
): Promise<SendOutcome> {
  const db = deps.db.knex;
  const message = await findSmsMessage(db, smsMessageId);
  if (!message) return 'missing';
  if (message.status !== 'pending' || message.payload_encrypted === null) return message.status;
  if (message.expires_at && message.expires_at.getTime() <= deps.clock.now().getTime()) {
    await markSmsExpired(db, smsMessageId);
    return 'expired';
  }
  let payload;
  try {
    payload = openSmsPayload(deps.secret, message.payload_encrypted);
  } catch {
    // Sealed with another secret (rotated JWT_SECRET) or altered: it can never be opened.
    await recordSmsFailure(db, smsMessageId, 'payload cannot be decrypted', true);
    throw new SmsDeliveryError('SMS payload cannot be decrypted', false);
  }
  try {
    await provider.send(payload.phone, payload.text, attempt.signal);
  } catch (e: unknown) {
    const error =
      e instanceof SmsDeliveryError ? e : new SmsDeliveryError('SMS provider failed', true);
    await recordSmsFailure(
      db,
      smsMessageId,
      error.message,
      attempt.isFinalAttempt || !error.retryable,
    );
    throw error;
  }
  await markSmsSent(db, smsMessageId, deps.clock.now());
  deps.logger.info({ smsMessageId, purpose: message.purpose }, 'sms sent');
  return 'sent';
}
