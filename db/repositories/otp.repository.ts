/** OTP codes: one live hashed code per phone. */
import type { Db } from '../database.js';

export interface OtpRow {
  phone: string;
  code_hash: string;
  expires_at: Date;
  failed_attempts: number;
}

/** Stores the phone's new code, replacing any previous one (and its count of wrong tries). */
export async function replaceOtpCode(
  db: Db,
  row: { phone: string; code_hash: string; expires_at: Date },
): Promise<void> {
  await db('otp_codes')
    .insert({ ...row, failed_attempts: 0, created_at: db.fn.now() })
    .onConflict('phone')
    .merge(['code_hash', 'expires_at', 'failed_attempts', 'created_at']);
}

/** Reads the phone's code and locks it, so parallel tries are counted one after another. */
export async function lockOtpCode(db: Db, phone: string): Promise<OtpRow | undefined> {
  return db('otp_codes')
    .where({ phone })
    .forUpdate()
    .first<OtpRow | undefined>('phone', 'code_hash', 'expires_at', 'failed_attempts');
}

export async function recordOtpFailure(db: Db, phone: string): Promise<void> {
  await db('otp_codes')
    .where({ phone })
    .update({ failed_attempts: db.raw('failed_attempts + 1') });
}

export async function deleteOtpCode(db: Db, phone: string): Promise<void> {
  await db('otp_codes').where({ phone }).delete();
}
