/** `sms.send`: sends one stored message through the configured provider. */
import { UnrecoverableError } from 'bullmq';
import * as yup from 'yup';
import { listUnsentSms } from '../../db/repositories/recovery.repository.js';
import type { Config } from '../config/config.js';
import { queueNames } from '../queue/queue-names.js';
import { createSmsProvider } from '../sms/create-sms-provider.js';
import { sendSmsMessage } from '../sms/send-sms-message.js';
import { SmsDeliveryError, type SmsProvider } from '../sms/sms-provider.js';
import { defineJob } from './job-definition.js';
import { positiveIdField } from './payload-fields.js';

// One provider per configuration, built on first use.
const providers = new WeakMap<Config, SmsProvider>();

export const sendSmsJob = defineJob({
  name: 'sms.send',
  queue: queueNames.sms,
  schema: yup.object({ sms_message_id: positiveIdField() }).noUnknown().strict(),
  jobId: (payload) => `sms-${payload.sms_message_id}`,
  // A gateway hiccup (5xx, timeout) passes in seconds; give up after about 30 s, well within
  // the code's lifetime. A 4xx that cannot succeed stops at once (UnrecoverableError).
  retry: () => ({ attempts: 5, backoff: { type: 'exponential', delay: 2000 } }),
  timeoutMs: (config) => config.sms.httpTimeoutMs * 2,
  processor: async (payload, { job, signal, deps }) => {
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
  },
  owedWork: async (db, { now, changedBefore }) =>
    (await listUnsentSms(db, changedBefore, now)).map((id) => ({
      payload: { sms_message_id: id },
    })),
});
