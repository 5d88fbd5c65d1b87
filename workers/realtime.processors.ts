/**
 * The realtime queue's processors, run by the realtime processes: each job is taken by one
 * node, which publishes once on the fan-out channel that every node listens to.
 */
import { fanOutOfferChange } from '../lib/realtime/fan-out-offer-change.js';
import { fanOutOrderChange } from '../lib/realtime/fan-out-order-change.js';
import type { Processors } from './processors.js';

export const realtimeProcessors: Processors = {
  'realtime.order-changed': (payload, { deps }) => fanOutOrderChange(deps, payload),
  'realtime.offer-changed': (payload, { deps }) => fanOutOfferChange(deps, payload),
};
