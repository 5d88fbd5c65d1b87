/**
 * Queues a text message inside the caller's transaction: the sealed message and the outbox
 * row that owes its `sms.send` job commit (or roll back) with the change that needs them.
 */
import type { Db } from '../../db/database.js';
import { owe } from '../jobs/owe.js';
import { sendSmsJob } from '../jobs/send-sms.job.js';
import { insertSmsMessage } from '../../db/repositories/sms-message.repository.js';
import { maskPhone } from '../logger/logger.js';
import { sealSmsPayload } from './sms-crypto.js';

export interface SmsToQueue {
  phone: string;
  text: string;
  purpose: 'otp';
  /** Not sent after this moment (a login code that has expired is useless). */
  expiresAt: Date | null;
}

export async function queueSms(trx: Db, secret: string, sms: SmsToQueue): Promise<number> {
  const id = await insertSmsMessage(trx, {
    purpose: sms.purpose,
    phone_masked: maskPhone(sms.phone),
    payload_encrypted: sealSmsPayload(secret, { phone: sms.phone, text: sms.text }),
    expires_at: sms.expiresAt,
  });
  await owe(trx, sendSmsJob, { sms_message_id: id });
  return id;
}
