/**
 * Development provider: writes a line instead of sending. It shows the masked phone and the
 * length only; login codes are never written to logs (use OTP_TEST_NUMBERS in development).
 * Refused in production by the configuration.
 */
import { maskPhone, type Logger } from '../logger/logger.js';
import type { SmsProvider } from './sms-provider.js';

export function createLogSmsProvider(logger: Logger): SmsProvider {
  return {
    send(phone, text) {
      logger.info({ to: maskPhone(phone), length: text.length }, 'sms (log provider, not sent)');
      return Promise.resolve();
    },
  };
}
