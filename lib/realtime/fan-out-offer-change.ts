/**
 * Tells an offer's driver that it was made (`new_offer`) or closed without them taking it
 * (`offer_closed`: declined, expired, cancelled — e.g. the order was assigned by hand or
 * cancelled). An offer the driver accepted is announced by the order's own events instead.
 *
 * Reads the offer as it is now, so a job that runs after the offer closed announces the
 * closing; each announcement goes out at most once per offer, so retried or duplicate jobs
 * emit nothing more.
 */
import type { AppDeps } from '../deps.js';
import { loadOfferView } from '../dispatch/offer-view.js';
import { publishFanoutOnce, type FanoutAction } from './fanout-channel.js';
import { driverRoom, orderRoom } from './rooms.js';

/** Returns whether something was published. */
export async function fanOutOfferChange(
  deps: Pick<AppDeps, 'db' | 'redis' | 'config' | 'clock'>,
  change: { offer_id: number },
): Promise<boolean> {
  const offer = await loadOfferView(deps.db.knex, change.offer_id, deps.clock.now());
  if (!offer || offer.status === 'accepted') return false;
  const prefix = deps.config.redis.prefix;
  const rooms = [driverRoom(offer.driver_id)];
  if (offer.status === 'pending') {
    return publishFanoutOnce(deps.redis, prefix, `offer:${offer.id}:new`, [
      { type: 'emit', rooms, event: 'new_offer', payload: { all: offer } },
    ]);
  }
  const actions: FanoutAction[] = [
    {
      type: 'emit',
      rooms,
      event: 'offer_closed',
      payload: { all: { offer_id: offer.id, order_id: offer.order_id, status: offer.status } },
    },
    // A driver who followed the offered order stops following it: it is not theirs.
    { type: 'leave', rooms, room: orderRoom(offer.order_id) },
  ];
  return publishFanoutOnce(deps.redis, prefix, `offer:${offer.id}:closed`, actions);
}
