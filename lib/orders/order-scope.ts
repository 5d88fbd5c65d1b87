/**
 * Which orders a caller may see: a passenger their own, a driver the ones assigned to them,
 * staff all. Outside the scope an order does not exist for the caller (404, never 403).
 */
import type { OrderListFilter } from '../../db/repositories/order-list.repository.js';
import { isStaff, type UserActor } from '../auth/actor.js';

export function isOrderInScope(
  actor: UserActor,
  order: { passenger_id: number; driver_id: number | null },
): boolean {
  if (isStaff(actor)) return true;
  if (actor.role === 'passenger')
    return actor.passengerId !== null && order.passenger_id === actor.passengerId;
  if (actor.role === 'driver') return actor.driverId !== null && order.driver_id === actor.driverId;
  return false;
}

/** The filter that confines a list to the caller's scope; null when they can see nothing. */
export function scopeFilter(actor: UserActor): OrderListFilter | null {
  if (isStaff(actor)) return {};
  if (actor.role === 'passenger')
    return actor.passengerId === null ? null : { passengerId: actor.passengerId };
  if (actor.role === 'driver') return actor.driverId === null ? null : { driverId: actor.driverId };
  return null;
}
