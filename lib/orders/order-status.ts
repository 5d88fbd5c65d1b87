/**
 * The order status machine: legal transitions, who may make them, and what each status
 * means for the driver's own status. Pure: no I/O, table-tested.
 */
import type { UserRole } from '../auth/actor.js';
import type { DriverStatus } from '../drivers/driver-status.js';

export const orderStatuses = [
  'draft',
  'submitted',
  'awaiting_dispatcher_decision',
  'rejected',
  'active_queue',
  'matching',
  'offered',
  'assigned',
  'driver_en_route',
  'arrived_waiting',
  'no_show',
  'ride_ongoing',
  'completed',
  'cancelled',
  'incident',
] as const;

export type OrderStatus = (typeof orderStatuses)[number];

export const isOrderStatus = (value: string): value is OrderStatus =>
  (orderStatuses as readonly string[]).includes(value);

export const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  draft: ['submitted', 'cancelled'],
  submitted: ['awaiting_dispatcher_decision', 'active_queue', 'matching', 'rejected', 'cancelled'],
  awaiting_dispatcher_decision: ['active_queue', 'matching', 'assigned', 'rejected', 'cancelled'],
  active_queue: ['matching', 'cancelled'],
  matching: ['offered', 'assigned', 'awaiting_dispatcher_decision', 'cancelled'],
  offered: ['assigned', 'matching', 'cancelled'],
  assigned: ['driver_en_route', 'matching', 'cancelled'],
  driver_en_route: ['arrived_waiting', 'matching', 'cancelled'],
  arrived_waiting: ['ride_ongoing', 'no_show', 'cancelled'],
  ride_ongoing: ['completed', 'incident'],
  incident: ['completed', 'cancelled'],
  no_show: [],
  rejected: [],
  completed: [],
  cancelled: [],
};

export const terminalStatuses: readonly OrderStatus[] = [
  'no_show',
  'rejected',
  'completed',
  'cancelled',
];

/** Statuses in which the order holds its driver (mirrors the database's partial unique index). */
export const driverHoldingStatuses: readonly OrderStatus[] = [
  'assigned',
  'driver_en_route',
  'arrived_waiting',
  'ride_ongoing',
  'incident',
];

export const isLegalTransition = (from: OrderStatus, to: OrderStatus): boolean =>
  transitions[from].includes(to);

/** Statuses the assigned driver may set through the status endpoint. */
const driverSettable: readonly OrderStatus[] = [
  'driver_en_route',
  'arrived_waiting',
  'ride_ongoing',
  'completed',
  'no_show',
];

/** Statuses from which a passenger may still cancel (before the ride starts). */
const passengerCancellableFrom: readonly OrderStatus[] = [
  'draft',
  'submitted',
  'awaiting_dispatcher_decision',
  'active_queue',
  'matching',
  'offered',
  'assigned',
  'driver_en_route',
  'arrived_waiting',
];

/**
 * Whether a user of this role may ask for this transition through the public status
 * endpoint. Legality of the transition itself is checked separately (409 vs 403). The system
 * never asks here: its steps call transitionOrder directly.
 */
export function roleMayRequest(role: UserRole, from: OrderStatus, to: OrderStatus): boolean {
  switch (role) {
    case 'dispatcher':
    case 'admin':
      return true;
    case 'passenger':
      return to === 'cancelled' && passengerCancellableFrom.includes(from);
    case 'driver':
      return driverSettable.includes(to);
  }
}

/**
 * The driver's status once the order reaches `to`: `free` means online_idle (or offline if
 * the driver went offline meanwhile); null means the order no longer concerns the driver's
 * status, or does not change it.
 */
export function driverStatusFor(to: OrderStatus): DriverStatus | 'free' | null {
  switch (to) {
    case 'offered':
      return 'offered';
    case 'assigned':
    case 'driver_en_route':
    case 'arrived_waiting':
      return 'enroute_to_pickup';
    case 'ride_ongoing':
    case 'incident':
      return 'on_trip';
    case 'matching':
    case 'completed':
    case 'cancelled':
    case 'no_show':
    case 'awaiting_dispatcher_decision':
      return 'free';
    default:
      return null;
  }
}

export const statusDisplay: Record<OrderStatus, { ru: string; en: string }> = {
  draft: { ru: 'Черновик', en: 'Draft' },
  submitted: { ru: 'Отправлен', en: 'Submitted' },
  awaiting_dispatcher_decision: { ru: 'Ожидает решения диспетчера', en: 'Awaiting dispatcher' },
  rejected: { ru: 'Отклонён', en: 'Rejected' },
  active_queue: { ru: 'В очереди', en: 'Queued' },
  matching: { ru: 'Поиск водителя', en: 'Finding a driver' },
  offered: { ru: 'Предложен водителю', en: 'Offered to a driver' },
  assigned: { ru: 'Водитель назначен', en: 'Driver assigned' },
  driver_en_route: { ru: 'Водитель в пути', en: 'Driver on the way' },
  arrived_waiting: { ru: 'Водитель ожидает', en: 'Driver waiting' },
  no_show: { ru: 'Пассажир не вышел', en: 'Passenger no-show' },
  ride_ongoing: { ru: 'В пути', en: 'Ride in progress' },
  completed: { ru: 'Завершён', en: 'Completed' },
  cancelled: { ru: 'Отменён', en: 'Cancelled' },
  incident: { ru: 'Инцидент', en: 'Incident' },
};
