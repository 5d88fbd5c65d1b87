/** `realtime.order-changed`: fans an order change out to realtime clients (catch-up by version). */
import * as yup from 'yup';
import { fanOutOrderChange } from '../realtime/fan-out-order-change.js';
import { queueNames } from '../queue/queue-names.js';
import { defineJob } from './job-definition.js';
import { orderIdField, orderVersionField } from './payload-fields.js';
import { realtimeDeliveryRetry } from './realtime-delivery.js';

export const orderChangedJob = defineJob({
  name: 'realtime.order-changed',
  queue: queueNames.realtime,
  schema: yup
    .object({ order_id: orderIdField(), version: orderVersionField() })
    .noUnknown()
    .strict(),
  jobId: null,
  retry: realtimeDeliveryRetry,
  timeoutMs: (config) => config.realtime.jobTimeoutMs,
  processor: (payload, { deps }) => fanOutOrderChange(deps, payload),
});
