/**
 * A driver's answer to an offer (accept, decline) and its expiry. Each runs in one
 * transaction that locks the offer, then the order, then touches the driver — the same lock
 * order as the matching engine — so an answer racing the expiry job or a cancellation is
 * decided by whoever locks the offer first; the loser sees it closed (409 / no-op).
 */
import type { Db } from '../../db/database.js';
import {
  excludeDriver,
  findOfferedTripsToday,
  releaseOfferedDriver,
  type OrderExclusionReason,
} from '../../db/repositories/matching.repository.js';
import {
  closeOffer,
  lockOffer,
  type OfferRow,
  type OfferStatus,
} from '../../db/repositories/offer.repository.js';
import { listPendingOffers } from '../../db/repositories/recovery.repository.js';
import { lockOrder } from '../../db/repositories/order.repository.js';
import { oweAll } from '../jobs/owe.js';
import type { Actor, SystemActor, UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import { requireOrderView, type OrderView } from '../orders/order-view.js';
import { transitionOrder } from '../orders/transition-order.js';
import { offerChanged } from './offer-outbox.js';

type AnswerDeps = Pick<AppDeps, 'db' | 'clock' | 'config'>;

/** The caller's own offer, locked; anyone else's is "not found" (do not reveal it exists). */
async function lockOwnOffer(trx: Db, actor: UserActor, offerId: number): Promise<OfferRow> {
  const offer = await lockOffer(trx, offerId);
  if (!offer || actor.driverId === null || offer.driver_id !== actor.driverId) {
    throw new AppError('not_found');
  }
  return offer;
}

/** How the engine explains its choice on the order, e.g. "engine: rank 1, 1.2 km". */
export function assignmentReason(
  offer: Pick<OfferRow, 'rank' | 'distance_m'>,
  tripsToday?: number,
) {
  const parts = [`rank ${offer.rank ?? '?'}`];
  if (offer.distance_m !== null) parts.push(`${(offer.distance_m / 1000).toFixed(1)} km`);
  if (tripsToday !== undefined) parts.push(`${tripsToday} trips today`);
  return `engine: ${parts.join(', ')}`;
}

/** Accepts the offer: order assigned to the driver, driver on the way. Returns the order. */
export async function acceptOffer(
  deps: AnswerDeps,
  actor: UserActor,
  input: { offerId: number; locale?: Locale },
): Promise<OrderView> {
  const { offerId } = input;
  const orderId = await deps.db.transaction(async (trx) => {
    const offer = await lockOwnOffer(trx, actor, offerId);
    const now = deps.clock.now();
    if (offer.status !== 'pending' || offer.expires_at <= now) throw new AppError('offer_closed');
    const order = await lockOrder(trx, offer.order_id);
    if (order?.status !== 'offered') throw new AppError('offer_closed');
    const tripsToday = await findOfferedTripsToday(trx, offer.order_id, offer.id);
    await closeOffer(trx, offer.id, 'accepted', null);
    await transitionOrder(
      trx,
      {
        orderId: offer.order_id,
        to: 'assigned',
        actor,
        expectedStatuses: ['offered'],
        patch: {
          driver_id: offer.driver_id,
          assignment_reason: assignmentReason(offer, tripsToday),
        },
        eventData: { offer_id: offer.id, driver_id: offer.driver_id },
        outbox: [offerChanged(offer.id)],
      },
      now,
      deps.config.dispatch,
    );
    return offer.order_id;
  });
  return requireOrderView(deps.db.knex, orderId, input.locale ?? deps.config.defaultLocale);
}

/**
 * Closes a pending offer without an assignment (declined or expired): the driver is freed,
 * never offered this order again, and the order goes back to matching, which owes the next
 * match job. An order that already moved on (e.g. cancelled) is left as it is.
 */
async function closeUnanswered(
  trx: Db,
  deps: AnswerDeps,
  offer: OfferRow,
  status: 'declined' | 'expired',
  actor: Actor,
  reason: string | null,
): Promise<void> {
  await closeOffer(trx, offer.id, status, reason);
  await excludeDriver(trx, offer.order_id, offer.driver_id, status satisfies OrderExclusionReason);
  const order = await lockOrder(trx, offer.order_id);
  const eventData = { offer_id: offer.id, driver_id: offer.driver_id, offer_status: status };
  if (order?.status === 'offered') {
    await transitionOrder(
      trx,
      {
        orderId: offer.order_id,
        to: 'matching',
        actor,
        reason,
        expectedStatuses: ['offered'],
        eventData,
        outbox: [offerChanged(offer.id)],
      },
      deps.clock.now(),
      deps.config.dispatch,
    );
  } else {
    await oweAll(trx, [offerChanged(offer.id)]);
  }
  // After the order: the engine locks order then driver too.
  await releaseOfferedDriver(trx, offer.driver_id);
}

export async function declineOffer(
  deps: AnswerDeps,
  actor: UserActor,
  input: { offerId: number; reason?: string | null },
): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const offer = await lockOwnOffer(trx, actor, input.offerId);
    if (offer.status !== 'pending') throw new AppError('offer_closed');
    await closeUnanswered(
      trx,
      deps,
      offer,
      'declined',
      actor,
      input.reason ?? 'declined by the driver',
    );
  });
}

export type ExpiryOutcome =
  | { kind: 'expired' }
  /** Answered, closed or gone before its expiry ran: nothing to do. */
  | { kind: 'skipped'; status: OfferStatus | null };

/** The expiry job: a no-op when the offer was already answered or closed. */
export async function expireOffer(
  deps: AnswerDeps,
  actor: SystemActor,
  input: { offerId: number },
): Promise<ExpiryOutcome> {
  return deps.db.transaction(async (trx): Promise<ExpiryOutcome> => {
    const offer = await lockOffer(trx, input.offerId);
    if (offer?.status !== 'pending') return { kind: 'skipped', status: offer?.status ?? null };
    await closeUnanswered(trx, deps, offer, 'expired', actor, 'offer expired');
    return { kind: 'expired' };
  });
}

/** Pending offers older than `changedBefore`: each owes its expiry job, due at `expiresAt`. */
export async function listOwedExpiries(
  deps: Pick<AppDeps, 'db'>,
  _actor: SystemActor,
  input: { changedBefore: Date },
): Promise<{ offerId: number; expiresAt: Date }[]> {
  const pending = await listPendingOffers(deps.db.knex, input.changedBefore);
  return pending.map((offer) => ({ offerId: offer.id, expiresAt: offer.expires_at }));
}
