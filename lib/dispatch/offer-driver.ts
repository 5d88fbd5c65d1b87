/**
 * Offers one order to one driver: the engine's only way to make an offer, shared by the
 * ranked path (lib/dispatch/match-order.ts) and the batch rounds (lib/dispatch/batch-round.ts).
 *
 * ONE transaction: lock the order and re-check it is still `matching` → reserve the driver
 * with a conditional update (online_idle → offered) → insert the pending offer → move the
 * order to `offered` → owe the expiry job and the realtime fan-out (outbox, same
 * transaction). Lock order is order → driver, as everywhere else.
 */
import { reserveDriver } from '../../db/repositories/matching.repository.js';
import { insertOffer, type OfferRow } from '../../db/repositories/offer.repository.js';
import { lockOrder, type OrderRow } from '../../db/repositories/order.repository.js';
import type { SystemActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { expireOfferJob } from '../jobs/expire-offer.job.js';
import { owedJob } from '../jobs/owe.js';
import { transitionOrder } from '../orders/transition-order.js';
import { offerExpiresAt } from './dispatch-policy.js';
import { offerChanged } from './offer-outbox.js';
import type { RankedCandidate } from './rank-candidates.js';

/** What an offer records about the chosen driver (a ranked candidate, or a round's pair). */
export type OfferCandidate = Pick<
  RankedCandidate,
  'driver_id' | 'distance_m' | 'score' | 'rank' | 'trips_today'
>;

export type OfferAttempt = OfferRow | 'driver_taken' | 'order_moved_on';

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';

/**
 * Only the engine makes offers, so the actor is the system's (recorded on the `offered`
 * event); the caller passes the one it acts as.
 */
export async function offerToCandidate(
  deps: Pick<AppDeps, 'db' | 'clock' | 'config'>,
  actor: SystemActor,
  input: { order: OrderRow; candidate: OfferCandidate; signal?: AbortSignal },
): Promise<OfferAttempt> {
  const { order, candidate, signal } = input;
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
        created_at: now,
      });
      await transitionOrder(
        trx,
        {
          orderId: order.id,
          to: 'offered',
          actor,
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
            owedJob(expireOfferJob, { offer_id: offer.id }, { availableAt: expiresAt }),
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
