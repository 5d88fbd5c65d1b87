/**
 * Asking for a login code. Invariants: at most one live code per phone (a new request
 * replaces the old one and its count of wrong tries); the code is stored only hashed; its
 * SMS is queued in the same transaction (sealed), so a code is never stored without its
 * message nor sent without being stored. Test phones get no code and no SMS.
 */
import { replaceOtpCode } from '../../db/repositories/otp.repository.js';
import type { AppDeps } from '../deps.js';
import type { Locale } from '../i18n/messages.js';
import { queueSms } from '../sms/queue-sms.js';
import type { UserActor } from './actor.js';
import { authMessages, otpSmsText } from './auth-messages.js';
import { generateOtpCode, hashOtpCode } from './otp-code.js';
import { normalizePhone } from './phone.js';

export interface OtpRequested {
  message: string;
  expires_at: string;
  expires_in_seconds: number;
}

/** Public: the caller is anyone (a signed-in one is treated the same); `ip` keys the limits. */
export async function requestOtp(
  deps: Pick<AppDeps, 'db' | 'config' | 'clock' | 'otp'>,
  _actor: UserActor | undefined,
  input: { phone: string; ip: string; locale: Locale },
): Promise<OtpRequested> {
  const { config } = deps;
  const phone = normalizePhone(input.phone, config.defaultCountry);
  await deps.otp.limits.consume('request', phone, input.ip);
  const ttlSeconds = config.otp.ttlSeconds;
  const expiresAt = new Date(deps.clock.now().getTime() + ttlSeconds * 1000);

  if (!deps.otp.testCodes.has(phone)) {
    const code = generateOtpCode();
    await deps.db.transaction(async (trx) => {
      await replaceOtpCode(trx, {
        phone,
        code_hash: hashOtpCode(config.jwt.secret, phone, code),
        expires_at: expiresAt,
      });
      await queueSms(trx, config.jwt.secret, {
        phone,
        text: otpSmsText(code, input.locale),
        purpose: 'otp',
        expiresAt,
      });
    });
  }
  return {
    message: authMessages.codeSent[input.locale],
    expires_at: expiresAt.toISOString(),
    expires_in_seconds: ttlSeconds,
  };
}
