/**
 * The dispatch engine's settings, `Config.dispatch`: part of the one declaration of every
 * setting (lib/config/settings.ts says how to add one), kept apart for length.
 */
import * as yup from 'yup';
import { choice, inSection, int } from './setting.js';

const dispatch = inSection('Dispatch engine');

export const dispatchSettings = {
  review: dispatch(
    'DISPATCH_REVIEW',
    choice('auto', 'manual'),
    'auto',
    'auto: orders go straight to matching; manual: a dispatcher approves each first.',
  ),
  offerTimeoutSeconds: dispatch(
    'DISPATCH_OFFER_TIMEOUT_SECONDS',
    int(1),
    20,
    'How long a driver has to accept an offer before the next driver is tried.',
  ),
  giveUpSeconds: dispatch(
    'DISPATCH_GIVE_UP_SECONDS',
    int(1),
    600,
    'A search that offers nobody stops after this long (or at a later pre-booked pickup time) and the order is handed over to a dispatcher.',
  ),
  leadMinutes: dispatch(
    'DISPATCH_LEAD_MINUTES',
    int(0),
    30,
    'Pre-booked orders start matching this long before the pickup time.',
  ),
  maxPickupKm: dispatch(
    'DISPATCH_MAX_PICKUP_KM',
    yup.number().min(0.1),
    15,
    'Drivers farther than this from the pickup are not eligible.',
  ),
  positionFreshSeconds: dispatch(
    'POSITION_FRESH_SECONDS',
    int(1),
    120,
    'A driver position older than this is not used for matching.',
  ),
  positionFlushIntervalMs: dispatch(
    'POSITION_FLUSH_INTERVAL_MS',
    int(50, 10_000),
    1000,
    'How often location reports held in Redis are written to PostgreSQL in one batch statement; PostgreSQL is at most this far behind (docs/operations.md).',
  ),
  fairnessMaxExtraKm: dispatch(
    'DISPATCH_FAIRNESS_MAX_EXTRA_KM',
    yup.number().min(0),
    2,
    "Ranked policy: drivers at most this much farther than their bucket's nearest go first, fewest trips today first.",
  ),
  accessibleReserveKm: dispatch(
    'DISPATCH_ACCESSIBLE_RESERVE_KM',
    yup.number().min(0),
    3,
    'Ranked policy, ambulatory orders: an accessible vehicle is held back when a non-accessible one of its region group is at most this much farther.',
  ),
  regionMode: dispatch(
    'DISPATCH_REGION_MODE',
    choice('priority', 'hard'),
    'priority',
    "priority: other regions' drivers only when none of the pickup's region is in reach; hard: never.",
  ),
  policy: dispatch(
    'DISPATCH_POLICY',
    choice('ranked', 'batch'),
    'ranked',
    'ranked: each order ranked alone when its job runs; batch: every DISPATCH_BATCH_WINDOW_MS one minimum-cost assignment per region group (docs/dispatch-engine.md).',
  ),
  batchWindowMs: dispatch(
    'DISPATCH_BATCH_WINDOW_MS',
    int(200),
    3000,
    'How often a batch matching round runs per region group.',
  ),
  batchCandidates: dispatch(
    'DISPATCH_BATCH_CANDIDATES',
    int(1, 100),
    8,
    "Nearest eligible drivers per order that a batch round considers (bounds the solver's matrix).",
  ),
  cost: {
    otherRegionM: dispatch(
      'DISPATCH_COST_OTHER_REGION_M',
      yup.number().min(0),
      0,
      "Batch cost, in metres of pickup distance: a driver of another region than the pickup's.",
    ),
    fairnessPerTripM: dispatch(
      'DISPATCH_COST_FAIRNESS_M_PER_TRIP',
      yup.number().min(0),
      1200,
      "Batch cost (metres) per trip today above the fewest among the order's candidates.",
    ),
    accessibleReserveM: dispatch(
      'DISPATCH_COST_ACCESSIBLE_RESERVE_M',
      yup.number().min(0),
      2500,
      'Batch cost (metres): an accessible vehicle on a trip that does not need one.',
    ),
    urgencyPerMinuteM: dispatch(
      'DISPATCH_COST_URGENCY_M_PER_MINUTE',
      yup.number().min(0),
      200,
      'Batch credit (metres) per minute the order has waited in matching…',
    ),
    urgencyMaxM: dispatch(
      'DISPATCH_COST_URGENCY_MAX_M',
      yup.number().min(0),
      3000,
      '…up to this much.',
    ),
  },
  jobTimeoutMs: dispatch(
    'DISPATCH_JOB_TIMEOUT_MS',
    int(100),
    10000,
    'A dispatch job (matching, offer expiry, batch round) running longer than this many ms is failed.',
  ),
  retryBackoffMs: dispatch(
    'DISPATCH_RETRY_BACKOFF_MS',
    int(10),
    5000,
    'How long until a search that offered nobody runs again (±20 %, so such orders do not all search again together).',
  ),
  workerConcurrency: dispatch(
    'DISPATCH_WORKER_CONCURRENCY',
    int(1),
    8,
    'Dispatch jobs run at once per worker process.',
  ),
  assignWaitMs: dispatch(
    'DISPATCH_ASSIGN_WAIT_MS',
    int(0),
    5000,
    'How long a dispatcher\'s "run dispatch now" waits for the engine\'s decision.',
  ),
  lockMs: dispatch(
    'DISPATCH_LOCK_MS',
    int(500),
    30000,
    "BullMQ lock of a running dispatch job; a crashed worker's job is taken over after it.",
  ),
};
