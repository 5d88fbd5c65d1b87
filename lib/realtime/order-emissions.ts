/**
 * What clients are told about an order's committed changes, per version. Pure: the order
 * (with its parties) and its events in, versioned fan-out messages out, oldest first.
 *
 * Each event version gives `order_status_changed` (with the previous status from that very
 * event, not from the current state), plus `driver_assigned` on entering assigned and
 * `driver_arrived` on entering arrived_waiting; the newest version also carries the full
 * `order_update` snapshot. Targets: the order's room, its passenger, its driver and staff,
 * as one union of rooms so a socket in several of them gets each event once.
 */
import type { OrderEventRow, OrderRow } from '../../db/repositories/order.repository.js';
import type { Locale } from '../i18n/messages.js';
import { isOrderStatus, statusDisplay } from '../orders/order-status.js';
import { toOrderView } from '../orders/order-view.js';
import type { FanoutAction, Localized, VersionedMessage } from './fanout-channel.js';
import { driverRoom, orderRoom, passengerRoom, staffRoom } from './rooms.js';

export const locales: readonly Locale[] = ['ru', 'en'];

const byLocale = <T>(make: (locale: Locale) => T): Localized<T> => ({
  byLocale: { ru: make('ru'), en: make('en') },
});

const displayOf = (status: string, locale: Locale) =>
  isOrderStatus(status) ? statusDisplay[status][locale] : status;

const releasedDriverOf = (event: OrderEventRow): number | null => {
  const id = event.data?.released_driver_id;
  return typeof id === 'number' ? id : null;
};

/** The order's audience now: its room, passenger, driver (if any) and staff. */
export function orderAudience(
  order: Pick<OrderRow, 'id' | 'passenger_id' | 'driver_id'>,
): string[] {
  const rooms = [orderRoom(order.id), passengerRoom(order.passenger_id), staffRoom];
  if (order.driver_id !== null) rooms.push(driverRoom(order.driver_id));
  return rooms;
}

function eventActions(
  order: OrderRow,
  event: OrderEventRow,
  isLatestAssignment: boolean,
): FanoutAction[] {
  const rooms = orderAudience(order);
  const released = releasedDriverOf(event);
  const statusRooms = released === null ? rooms : [...rooms, driverRoom(released)];
  const actions: FanoutAction[] = [
    {
      type: 'emit',
      rooms: statusRooms,
      event: 'order_status_changed',
      payload: byLocale((locale) => ({
        order_id: order.id,
        status: event.to_status,
        previous_status: event.from_status,
        status_display: displayOf(event.to_status, locale),
        version: event.version,
      })),
    },
  ];
  // The released driver stops following the order: it is no longer theirs to see.
  if (released !== null && released !== order.driver_id) {
    actions.push({ type: 'leave', rooms: [driverRoom(released)], room: orderRoom(order.id) });
  }
  // Only the latest assignment names a driver: an earlier one in the same batch was undone.
  if (event.to_status === 'assigned' && isLatestAssignment && order.driver) {
    const driver = order.driver;
    actions.push({
      type: 'emit',
      rooms,
      event: 'driver_assigned',
      payload: {
        all: {
          order_id: order.id,
          version: event.version,
          driver: {
            id: driver.id,
            name: driver.name,
            car_model: driver.car_model,
            plate_number: driver.plate_number,
          },
        },
      },
    });
  }
  if (event.to_status === 'arrived_waiting') {
    actions.push({
      type: 'emit',
      rooms,
      event: 'driver_arrived',
      payload: {
        all: {
          order_id: order.id,
          version: event.version,
          driver_id: order.driver_id,
          arrived_at: event.created_at.toISOString(),
        },
      },
    });
  }
  return actions;
}

/**
 * Messages for every version in `events` (ascending, all above the last emitted version)
 * and the snapshot at the order's current version.
 */
export function buildOrderMessages(order: OrderRow, events: OrderEventRow[]): VersionedMessage[] {
  const lastAssigned = events.filter((e) => e.to_status === 'assigned').at(-1);
  const messages: VersionedMessage[] = events
    .filter((event) => event.version <= order.version)
    .map((event) => ({
      version: event.version,
      message: eventActions(order, event, event === lastAssigned),
    }));
  const snapshot: FanoutAction = {
    type: 'emit',
    rooms: orderAudience(order),
    event: 'order_update',
    payload: byLocale((locale) => toOrderView(order, locale)),
  };
  const latest = messages.at(-1);
  if (latest && latest.version === order.version) latest.message.push(snapshot);
  else messages.push({ version: order.version, message: [snapshot] });
  return messages;
}
