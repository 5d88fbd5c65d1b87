/** `dispatch.expire-offer`: closes an offer nobody answered in time; a no-op once answered. */
import * as yup from 'yup';
import { systemActor } from '../auth/actor.js';
import { expireOffer, listOwedExpiries } from '../dispatch/answer-offer.js';
import { queueNames } from '../queue/queue-names.js';
import { defineJob } from './job-definition.js';
import { positiveIdField } from './payload-fields.js';

export const expireOfferJob = defineJob({
  name: 'dispatch.expire-offer',
  queue: queueNames.dispatch,
  schema: yup.object({ offer_id: positiveIdField() }).noUnknown().strict(),
  jobId: (payload) => `expire-offer-${payload.offer_id}`,
  // Closing an expired offer only fails on a lost connection or a timeout: retry soon.
  retry: () => ({ attempts: 10, backoff: { type: 'exponential', delay: 500 } }),
  timeoutMs: (config) => config.dispatch.jobTimeoutMs,
  processor: (payload, { deps }) => expireOffer(deps, systemActor, { offerId: payload.offer_id }),
  // A pending offer owes its expiry at expires_at (a driver left with it could not go offline).
  owedWork: async (deps, actor, input) =>
    (await listOwedExpiries(deps, actor, input)).map((owed) => ({
      payload: { offer_id: owed.offerId },
      availableAt: owed.expiresAt,
    })),
});
