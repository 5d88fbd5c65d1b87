/** The provider chosen by configuration (`SMS_PROVIDER`). */
import type { Config } from '../config/config.js';
import type { Logger } from '../logger/logger.js';
import { createHttpSmsProvider } from './http-sms-provider.js';
import { createLogSmsProvider } from './log-sms-provider.js';
import type { SmsProvider } from './sms-provider.js';

export function createSmsProvider(config: Pick<Config, 'sms'>, logger: Logger): SmsProvider {
  if (config.sms.provider === 'http') {
    return createHttpSmsProvider({
      urlTemplate: config.sms.httpUrlTemplate,
      method: config.sms.httpMethod,
      timeoutMs: config.sms.httpTimeoutMs,
      failurePattern: config.sms.httpFailurePattern,
    });
  }
  return createLogSmsProvider(logger);
}
