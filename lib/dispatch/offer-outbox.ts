/** The owed job that tells the offer's driver about any change to it (new, closed). */
import { offerChangedJob } from '../jobs/offer-changed.job.js';
import { owedJob, type OwedJob } from '../jobs/owe.js';

export const offerChanged = (offerId: number): OwedJob =>
  owedJob(offerChangedJob, { offer_id: offerId });
