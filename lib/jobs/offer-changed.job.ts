/** `realtime.offer-changed`: tells the offer's driver about a change to it (new, closed). */
import * as yup from 'yup';
import { fanOutOfferChange } from '../realtime/fan-out-offer-change.js';
import { queueNames } from '../queue/queue-names.js';
import { defineJob } from './job-definition.js';
import { positiveIdField } from './payload-fields.js';
import { realtimeDeliveryRetry } from './realtime-delivery.js';

export const offerChangedJob = defineJob({
  name: 'realtime.offer-changed',
  queue: queueNames.realtime,
  schema: yup.object({ offer_id: positiveIdField() }).noUnknown().strict(),
  jobId: null,
  retry: realtimeDeliveryRetry,
  timeoutMs: (config) => config.realtime.jobTimeoutMs,
  processor: (payload, { deps }) => fanOutOfferChange(deps, payload),
});
