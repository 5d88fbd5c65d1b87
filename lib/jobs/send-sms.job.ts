/** `sms.send`: sends one stored message through the configured provider (`deps.smsProvider`). */
import { UnrecoverableError } from 'bullmq';
import * as yup from 'yup';
import { systemActor } from '../auth/actor.js';
import { queueNames } from '../queue/queue-names.js';
import { listOwedSms, sendSmsMessage } from '../sms/send-sms-message.js';
import { SmsDeliveryError } from '../sms/sms-provider.js';
import { defineJob } from './job-definition.js';
import { positiveIdField } from './payload-fields.js';

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
    try {
      return await sendSmsMessage(deps, systemActor, {
        smsMessageId: payload.sms_message_id,
        signal,
        isFinalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      });
    } catch (e: unknown) {
      if (e instanceof SmsDeliveryError && !e.retryable) throw new UnrecoverableError(e.message);
      throw e;
    }
  },
  owedWork: async (deps, actor, input) =>
    (await listOwedSms(deps, actor, input)).map((owed) => ({
      payload: { sms_message_id: owed.smsMessageId },
    })),
});
