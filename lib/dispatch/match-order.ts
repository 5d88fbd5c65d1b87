/**
 * One run of the matching engine for one order: find the ranked candidates and offer the
 * order to the best driver who can still be reserved.
 *
 * Safe to retry and to run on many workers at once: every write happens in one transaction
 * that locks the order, re-checks that it is still `matching`, and reserves the driver with a
 * conditional update (online_idle → offered). A duplicate or retried job finds the order no
 * longer matching and does nothing; a job aborted by its time budget rolls back and leaves no
 * driver reserved. The partial unique indexes on offers back this up in the database.
 */
import {
  findSearchStartedAt,
  insertOffer,
  reserveDriver,
  type OfferRow,
} from '../../db/repositories/matching.repository.js';
import { findOrderById, lockOrder, type OrderRow } from '../../db/repositories/order.repository.js';
import { systemActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { isAppError } from '../errors/app-error.js';
import { RetryLaterError } from '../queue/retry-later.js';
import { transitionOrder } from '../orders/transition-order.js';
import {
  afterNoOffer,
  candidatesToTry,
  offerExpiresAt,
  searchDeadline,
} from './dispatch-policy.js';
import { findRankedCandidates } from './find-candidates.js';
import { offerChanged } from './offer-outbox.js';
import type { RankedCandidate } from './rank-candidates.js';

/** No driver could be offered the order yet; the job retries with backoff. */
export class NoDriverYetError extends RetryLaterError {
  constructor(readonly reason: string) {
    super(`no driver yet: ${reason}`);
    this.name = 'NoDriverYetError';
  }
}

export type MatchOutcome =
  | { kind: 'skipped'; status: string | null }
  | { kind: 'queue_released' }
  | { kind: 'offered'; offerId: number; driverId: number; rank: number }
  | { kind: 'gave_up'; reason: string };

export interface MatchOptions {
  signal?: AbortSignal;
  /** The job's last try: hand the order to a dispatcher rather than fail it. */
  isFinalAttempt?: boolean;
}

/** Searches per run when every tried driver was reserved by another order meanwhile. */
const searchesPerRun = 2;

export async function matchOrder(
  deps: AppDeps,
  orderId: string,
  options: MatchOptions = {},
): Promise<MatchOutcome> {
  const order = await findOrderById(deps.db.knex, orderId);
  if (!order) return { kind: 'skipped', status: null };
  if (order.status === 'active_queue') return releaseFromQueue(deps, order);
  if (order.status !== 'matching') return { kind: 'skipped', status: order.status };

  // Workers racing on nearby orders may take every driver this search ranked; one fresh
  // search (which no longer sees them) beats waiting a whole backoff.
  let reason = 'Every candidate driver was taken by another order meanwhile.';
  for (let search = 1; search <= searchesPerRun; search++) {
    const found = await findRankedCandidates(deps, order);
    if (found.rejectionReason !== null) {
      reason = found.rejectionReason;
      break;
    }
    for (const candidate of candidatesToTry(found.candidates)) {
      options.signal?.throwIfAborted();
      const result = await offerToCandidate(deps, order, candidate, options.signal);
      if (result === 'order_moved_on') return { kind: 'skipped', status: null };
      if (result !== 'driver_taken') {
        return {
          kind: 'offered',
          offerId: result.id,
          driverId: candidate.driver_id,
          rank: candidate.rank,
        };
      }
    }
  }

  const startedAt = (await findSearchStartedAt(deps.db.knex, order.id)) ?? order.updated_at;
  const deadline = searchDeadline(
    startedAt,
    order.desired_pickup_time,
    deps.config.dispatch.giveUpSeconds,
  );
  if (afterNoOffer(deps.clock.now(), deadline, options.isFinalAttempt ?? false) === 'retry_later') {
    throw new NoDriverYetError(reason);
  }
  return giveUp(deps, order.id, reason, options.signal);
}

/** A pre-booked order's lead time has come: it enters matching, which owes the next job. */
async function releaseFromQueue(deps: AppDeps, order: OrderRow): Promise<MatchOutcome> {
  const moved = await deps.db.transaction(async (trx) => {
    try {
      await transitionOrder(
        trx,
        {
          orderId: order.id,
          to: 'matching',
          actor: systemActor,
          expectedStatuses: ['active_queue'],
        },
        deps.clock.now(),
        deps.config.dispatch,
      );
      return true;
    } catch (e: unknown) {
      if (isAppError(e) && e.code === 'invalid_transition') return false;
      throw e;
    }
  });
  return moved ? { kind: 'queue_released' } : { kind: 'skipped', status: null };
}

type OfferAttempt = OfferRow | 'driver_taken' | 'order_moved_on';

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';

async function offerToCandidate(
  deps: AppDeps,
  order: OrderRow,
  candidate: RankedCandidate,
  signal: AbortSignal | undefined,
): Promise<OfferAttempt> {
  try {
    return await deps.db.transaction(async (trx): Promise<OfferAttempt> => {
      // Order first, then driver: the same lock order as answering an offer.
      const locked = await lockOrder(trx, order.id);
      if (locked?.status !== 'matching') return 'order_moved_on';
      if (!(await reserveDriver(trx, candidate.driver_id))) return 'driver_taken';
      const now = deps.clock.now();
      const expiresAt = offerExpiresAt(now, deps.config.dispatch.offerTimeoutSeconds);
      const offer = await insertOffer(trx, {
        order_id: order.id,
        driver_id: candidate.driver_id,
        expires_at: expiresAt,
        distance_m: candidate.distance_m,
        score: candidate.score,
        rank: candidate.rank,
      });
      await transitionOrder(
        trx,
        {
          orderId: order.id,
          to: 'offered',
          actor: systemActor,
          expectedStatuses: ['matching'],
          eventData: {
            offer_id: offer.id,
            driver_id: candidate.driver_id,
            rank: candidate.rank,
            distance_m: Math.round(candidate.distance_m),
            trips_today: candidate.trips_today,
            score: candidate.score,
          },
          outbox: [
            {
              topic: 'dispatch.expire-offer',
              payload: { offer_id: offer.id },
              jobId: `expire-offer-${offer.id}`,
              availableAt: expiresAt,
            },
            offerChanged(offer.id),
          ],
        },
        now,
        deps.config.dispatch,
      );
      // Past the time budget nothing may commit: the rollback releases the driver.
      signal?.throwIfAborted();
      return offer;
    });
  } catch (e: unknown) {
    // The driver already holds a pending offer (their status was reset meanwhile).
    if (isUniqueViolation(e)) return 'driver_taken';
    throw e;
  }
}

async function giveUp(
  deps: AppDeps,
  orderId: string,
  reason: string,
  signal: AbortSignal | undefined,
): Promise<MatchOutcome> {
  return deps.db.transaction(async (trx) => {
    try {
      await transitionOrder(
        trx,
        {
          orderId,
          to: 'awaiting_dispatcher_decision',
          actor: systemActor,
          reason,
          expectedStatuses: ['matching'],
        },
        deps.clock.now(),
        deps.config.dispatch,
      );
    } catch (e: unknown) {
      if (isAppError(e) && e.code === 'invalid_transition')
        return { kind: 'skipped', status: null };
      throw e;
    }
    signal?.throwIfAborted();
    return { kind: 'gave_up', reason };
  });
}
