/**
 * The original Invo Taxi mobile API's answer shapes, made from our views. Presentation only:
 * every value comes from a use case's result; nothing here decides anything.
 */
import type { OfferView } from '../../../../lib/dispatch/offer-view.js';
import type { OrderView } from '../../../../lib/orders/order-view.js';
import type { Locale } from '../../../../lib/i18n/messages.js';
import type { Page } from '../../../../lib/pagination/paginate.js';

/** The texts the original's answers carried in `message`. */
export const mobileMessages: Record<string, Record<Locale, string>> = {
  passengerRegistered: {
    ru: 'Профиль пассажира успешно создан',
    en: 'The passenger profile has been created',
  },
  offerAccepted: { ru: 'Заказ принят', en: 'Order accepted' },
  offerDeclined: { ru: 'Предложение отклонено', en: 'Offer declined' },
};

/** The original's lists: `{count, results}`, `count` being the number of results sent. */
export const mobileList = <T>(page: Page<T>) => ({
  count: page.results.length,
  results: page.results,
});

/** An offer as the original's `drivers/offers/` listed it (`offer_id`, `distance_km`, …). */
export function mobileOffer(offer: OfferView) {
  return {
    offer_id: offer.id,
    order_id: offer.order_id,
    pickup_title: offer.pickup_title,
    dropoff_title: offer.dropoff_title,
    pickup_lat: offer.pickup_lat,
    pickup_lon: offer.pickup_lon,
    dropoff_lat: offer.dropoff_lat,
    dropoff_lon: offer.dropoff_lon,
    desired_pickup_time: offer.desired_pickup_time,
    has_companion: offer.has_companion,
    needs_wheelchair_access: offer.needs_wheelchair_access,
    distance_km: offer.distance_m === null ? null : Math.round(offer.distance_m) / 1000,
    // No travel-time model and no cost score here (see docs/migrating-from-invo-taxi.md).
    eta_seconds: null,
    cost_score: null,
    created_at: offer.created_at,
    expires_at: offer.expires_at,
    expires_in_seconds: offer.expires_in_seconds,
    // The driver learns the passenger's name, not their disability (privacy, by the contract).
    passenger: offer.passenger,
  };
}

/** `active-order/`: the order and `has_active_order`, or `{has_active_order: false, order: null}`. */
export function mobileActiveOrder(order: OrderView | undefined) {
  if (!order) return { has_active_order: false, order: null };
  const driver = order.driver;
  const position =
    driver?.current_position === null || driver === null
      ? {}
      : {
          driver_position: {
            lat: driver.current_position.lat,
            lon: driver.current_position.lon,
            last_update: driver.last_location_update,
          },
        };
  return { ...order, has_active_order: true, ...position };
}
