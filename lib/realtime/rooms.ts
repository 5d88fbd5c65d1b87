/** Socket.IO room names: one per party and one per order. */
import { isStaff, type UserActor } from '../auth/actor.js';

export const passengerRoom = (passengerId: number) => `passenger:${passengerId}`;
export const driverRoom = (driverId: number) => `driver:${driverId}`;
export const staffRoom = 'staff';
export const orderRoom = (orderId: string) => `order:${orderId}`;

/** The room a connected user belongs to by who they are. */
export function personalRoom(actor: UserActor): string {
  if (isStaff(actor)) return staffRoom;
  if (actor.role === 'driver' && actor.driverId !== null) return driverRoom(actor.driverId);
  if (actor.role === 'passenger' && actor.passengerId !== null)
    return passengerRoom(actor.passengerId);
  return `user:${actor.userId}`;
}
