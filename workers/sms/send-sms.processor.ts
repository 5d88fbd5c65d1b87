/** `sms.send`: sends one stored message through the configured provider. */
import { UnrecoverableError } from 'bullmq';
import type { Config } from '../../lib/config/config.js';
import { createSmsProvider } from '../../lib/sms/create-sms-provider.js';
import { sendSmsMessage } from '../../lib/sms/send-sms-message.js';
import { SmsDeliveryError, type SmsProvider } from '../../lib/sms/sms-provider.js';
import type { Processor } from '../processors.js';

// One provider per configuration, built on first use.
const providers = new WeakMap<Config, SmsProvider>();

export const sendSmsProcessor: Processor<'sms.send'> = async (payload, { job, signal, deps }) => {
  let provider = providers.get(deps.config);
  if (!provider) {
    provider = createSmsProvider(deps.config, deps.logger);
    providers.set(deps.config, provider);
  }
  try {
    return await sendSmsMessage(
      { ...deps, secret: deps.config.jwt.secret },
      provider,
      payload.sms_message_id,
      { signal, isFinalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) },
    );
  } catch (e: unknown) {
    if (e instanceof SmsDeliveryError && !e.retryable) throw new UnrecoverableError(e.message);
    throw e;
  }
};
