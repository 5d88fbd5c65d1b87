/** Every processor the worker process runs, by job name. */
import { batchRoundProcessor } from './dispatch/batch-round.processor.js';
import { expireOfferProcessor } from './dispatch/expire-offer.processor.js';
import { matchOrderProcessor } from './dispatch/match-order.processor.js';
import { pruneProcessor } from './maintenance/prune.processor.js';
import type { Processors } from './processors.js';
import { sendSmsProcessor } from './sms/send-sms.processor.js';

export const workerProcessors: Processors = {
  'dispatch.match-order': matchOrderProcessor,
  'dispatch.batch-round': batchRoundProcessor,
  'dispatch.expire-offer': expireOfferProcessor,
  'sms.send': sendSmsProcessor,
  'maintenance.prune': pruneProcessor,
};
