/** The outbox row that tells the offer's driver about any change to it (new, closed). */
import type { OutboxInsert } from '../../db/repositories/outbox.repository.js';

export const offerChanged = (offerId: number): OutboxInsert => ({
  topic: 'realtime.offer-changed',
  payload: { offer_id: offerId },
});
