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
} from '../../db/repositories/sms-message.repository.js';
import { listUnsentSms } from '../../db/repositories/recovery.repository.js';
import type { SystemActor } from '../auth/actor.js';
import type { SmsStatus } from './sms-status.js';
import type { AppDeps } from '../deps.js';
import { openSmsPayload } from './sms-crypto.js';
import { SmsDeliveryError } from './sms-provider.js';

export type SendSmsDeps = Pick<AppDeps, 'db' | 'clock' | 'logger' | 'config' | 'smsProvider'>;

/** Which message, and this try's budget and place among the queue's tries. */
export interface SendSmsInput {
  smsMessageId: number;
  signal: AbortSignal;
  /** The queue will not try again after this attempt: a failure gives the message up. */
  isFinalAttempt: boolean;
}

export type SendOutcome = SmsStatus | 'missing';

export async function sendSmsMessage(
  deps: SendSmsDeps,
  _actor: SystemActor,
  attempt: SendSmsInput,
): Promise<SendOutcome> {
  const { smsMessageId } = attempt;
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
    payload = openSmsPayload(deps.config.jwt.secret, message.payload_encrypted);
  } catch {
    // Sealed with another secret (rotated JWT_SECRET) or altered: it can never be opened.
    await recordSmsFailure(db, smsMessageId, 'payload cannot be decrypted', true);
    throw new SmsDeliveryError('SMS payload cannot be decrypted', false);
  }
  try {
    await deps.smsProvider.send(payload.phone, payload.text, attempt.signal);
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

/** Messages still to send (and not yet pointless), older than `changedBefore`: each owes a send. */
export async function listOwedSms(
  deps: Pick<AppDeps, 'db'>,
  _actor: SystemActor,
  input: { now: Date; changedBefore: Date },
): Promise<{ smsMessageId: number }[]> {
  const ids = await listUnsentSms(deps.db.knex, input.changedBefore, input.now);
  return ids.map((smsMessageId) => ({ smsMessageId }));
}
