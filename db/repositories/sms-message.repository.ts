/** Outgoing SMS messages; the payload column holds only sealed (encrypted) text. */
import type { Db } from '../database.js';

import type { SmsStatus } from '../../lib/sms/sms-status.js';

export interface SmsMessageRow {
  id: number;
  purpose: string;
  phone_masked: string;
  payload_encrypted: string | null;
  status: SmsStatus;
  attempts: number;
  last_error: string | null;
  expires_at: Date | null;
  sent_at: Date | null;
}

export async function insertSmsMessage(
  db: Db,
  row: {
    purpose: string;
    phone_masked: string;
    payload_encrypted: string;
    expires_at: Date | null;
  },
): Promise<number> {
  const [inserted] = await db('sms_messages').insert(row).returning<{ id: number }[]>('id');
  if (!inserted) throw new Error('sms_messages insert returned no id');
  return inserted.id;
}

export async function findSmsMessage(db: Db, id: number): Promise<SmsMessageRow | undefined> {
  return db('sms_messages').where({ id }).first<SmsMessageRow | undefined>();
}

/** Sent: the sealed payload is wiped at the same time, it is no longer needed. */
export async function markSmsSent(db: Db, id: number, sentAt: Date): Promise<void> {
  await db('sms_messages')
    .where({ id, status: 'pending' })
    .update({
      status: 'sent',
      sent_at: sentAt,
      payload_encrypted: null,
      attempts: db.raw('attempts + 1'),
      last_error: null,
      updated_at: db.fn.now(),
    });
}

/** A failed try; `final` gives the message up (status and wiped payload). */
export async function recordSmsFailure(
  db: Db,
  id: number,
  error: string,
  final: boolean,
): Promise<void> {
  await db('sms_messages')
    .where({ id, status: 'pending' })
    .update({
      attempts: db.raw('attempts + 1'),
      last_error: error.slice(0, 200),
      updated_at: db.fn.now(),
      ...(final ? { status: 'failed', payload_encrypted: null } : {}),
    });
}

/** Too late to be useful: never sent, payload wiped. */
export async function markSmsExpired(db: Db, id: number): Promise<void> {
  await db('sms_messages')
    .where({ id, status: 'pending' })
    .update({ status: 'expired', payload_encrypted: null, updated_at: db.fn.now() });
}
