/** `dispatch.expire-offer`: closes an offer nobody answered in time; a no-op once answered. */
import { expireOffer } from '../../lib/dispatch/answer-offer.js';
import type { Processor } from '../processors.js';

export const expireOfferProcessor: Processor<'dispatch.expire-offer'> = async (
  payload,
  { deps },
) => ({ expired: await expireOffer(deps, payload.offer_id) });
