/**
 * The original Invo Taxi's plain WebSocket routes (`/ws/orders/{id}/`, `/ws/drivers/{id}/`,
 * `/ws/passengers/{id}/`), kept for its apps. Each connection follows exactly one room of the
 * Socket.IO model (`order:{id}`, `driver:{id}`, `passenger:{id}`), so it receives what a
 * socket in that one room receives, once, from the same fan-out. Who may follow what is the
 * Socket.IO rule: an order as `subscribe` allows it; a party's stream only that party or staff.
 */
import { isStaff, type UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import type { OrderView } from '../orders/order-view.js';
import { driverRoom, orderRoom, passengerRoom } from './rooms.js';
import { subscribeToOrder } from './subscribe-to-order.js';

export type PlainRouteKind = 'orders' | 'drivers' | 'passengers';

export interface PlainRoute {
  kind: PlainRouteKind;
  id: string;
  /** The one room whose messages the connection receives. */
  room: string;
}

/** Close codes, as the original's consumers used them (4001 unauthorized, 4003 forbidden). */
export const plainCloseCodes = {
  unauthorized: 4001,
  forbidden: 4003,
  /** The service could not check the token (a dependency is down): try again later. */
  unavailable: 1013,
} as const;

const routePattern = /^\/ws\/(orders|drivers|passengers)\/([^/]{1,64})\/?$/;
const partyId = /^[1-9]\d{0,8}$/;

/** The route of an upgrade path, or null when it names none of ours (404). */
export function parsePlainRoute(pathname: string): PlainRoute | null {
  const match = routePattern.exec(pathname);
  if (!match) return null;
  const kind = match[1] as PlainRouteKind;
  let id: string;
  try {
    id = decodeURIComponent(match[2] ?? '');
  } catch {
    return null;
  }
  if (kind === 'orders') return { kind, id, room: orderRoom(id) };
  // A party id that is not a positive integer names nobody; it is refused after the token
  // check like any other party outside the caller's scope (existence is not revealed).
  const numeric = partyId.test(id) ? Number(id) : 0;
  return { kind, id, room: kind === 'drivers' ? driverRoom(numeric) : passengerRoom(numeric) };
}

function mayFollowParty(actor: UserActor, route: PlainRoute): boolean {
  if (isStaff(actor)) return true;
  if (!partyId.test(route.id)) return false;
  const id = Number(route.id);
  if (route.kind === 'drivers') return actor.role === 'driver' && actor.driverId === id;
  return actor.role === 'passenger' && actor.passengerId === id;
}

/**
 * Authorizes the connection and joins it to its room; for an order, returns the snapshot
 * read after joining (no change falls between the two). Throws not_found outside scope.
 */
export async function followPlainRoute(
  deps: Pick<AppDeps, 'db'>,
  actor: UserActor,
  input: { route: PlainRoute; locale: Locale; join: () => void },
): Promise<OrderView | null> {
  const { route, locale, join } = input;
  if (route.kind === 'orders')
    return subscribeToOrder(deps, actor, { orderId: route.id, locale, join });
  if (!mayFollowParty(actor, route)) throw new AppError('not_found');
  join();
  return null;
}

/** The original's message envelope: `{"type": …, "data": …}`. */
export const plainMessage = (type: string, data?: unknown): string =>
  JSON.stringify(data === undefined ? { type } : { type, data });

/** The order and version a message is about, when it carries one. */
export function orderVersionOf(data: unknown): { orderId: string; version: number } | null {
  if (typeof data !== 'object' || data === null) return null;
  const { version, order_id: orderId, id } = data as Record<string, unknown>;
  const order = typeof orderId === 'string' ? orderId : typeof id === 'string' ? id : null;
  return order !== null && typeof version === 'number' ? { orderId: order, version } : null;
}

/**
 * Per connection: drops a versioned message older than what the connection already holds
 * (the snapshot sent on connect, or a newer message of the same type), so an app that does
 * not compare versions still sees each order move forward only.
 */
export class PlainVersionGate {
  private readonly snapshots = new Map<string, number>();
  private readonly sent = new Map<string, number>();

  holdSnapshot(orderId: string, version: number): void {
    this.snapshots.set(orderId, version);
    this.sent.set(`${orderId} order_update`, version);
  }

  admit(type: string, data: unknown): boolean {
    const about = orderVersionOf(data);
    if (!about) return true;
    if (about.version <= (this.snapshots.get(about.orderId) ?? 0)) return false;
    const key = `${about.orderId} ${type}`;
    if (about.version <= (this.sent.get(key) ?? 0)) return false;
    this.sent.set(key, about.version);
    return true;
  }
}
