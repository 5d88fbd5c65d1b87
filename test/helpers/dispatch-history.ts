/**
 * Replays order events to check the engine's invariants after the fact. Event ids come from
 * a sequence drawn inside each transaction, after the driver row was reserved and before it
 * was freed, so within one driver they are in real order: a hold that starts after another
 * ended has a larger id than that one's end.
 */
import {
  driverHoldingStatuses,
  isLegalTransition,
  isOrderStatus,
} from '../../lib/orders/order-status.js';

export interface EventRow {
  id: number;
  order_id: string;
  version: number;
  from_status: string | null;
  to_status: string;
  data: Record<string, unknown> | null;
}

export interface OrderFinal {
  id: string;
  status: string;
  version: number;
}

export interface DriverHold {
  driverId: number;
  orderId: string;
  startEventId: number;
  /** Infinity while still held. */
  endEventId: number;
}

const holdsDriver = (status: string | null) =>
  status === 'offered' || (driverHoldingStatuses as readonly string[]).includes(status ?? '');

/** Problems with one order's chain: versions 1..n, legal steps, ending where the order is. */
export function checkOrderChain(order: OrderFinal, events: EventRow[]): string[] {
  const problems: string[] = [];
  events.forEach((event, i) => {
    if (event.version !== i + 1)
      problems.push(`${order.id}: event ${i} has version ${event.version}`);
    const previous = i === 0 ? null : events[i - 1]!.to_status;
    if (event.from_status !== previous)
      problems.push(`${order.id} v${event.version}: from ${event.from_status} after ${previous}`);
    if (i === 0 && event.to_status !== 'submitted')
      problems.push(`${order.id}: first event to ${event.to_status}`);
    if (
      event.from_status !== null &&
      (!isOrderStatus(event.from_status) ||
        !isOrderStatus(event.to_status) ||
        !isLegalTransition(event.from_status, event.to_status))
    ) {
      problems.push(
        `${order.id} v${event.version}: illegal ${event.from_status} → ${event.to_status}`,
      );
    }
  });
  const last = events.at(-1);
  if (!last || last.version !== order.version || last.to_status !== order.status)
    problems.push(
      `${order.id}: ends at ${last?.to_status} v${last?.version}, order is ${order.status} v${order.version}`,
    );
  return problems;
}

/** The spans during which each order held a driver (an offer, then maybe the trip). */
export function driverHoldsOf(events: EventRow[], problems: string[]): DriverHold[] {
  const holds: DriverHold[] = [];
  let current: DriverHold | null = null;
  for (const event of events) {
    const driverId = typeof event.data?.driver_id === 'number' ? event.data.driver_id : null;
    if (current && holdsDriver(event.to_status) && event.to_status !== 'offered') {
      if (driverId !== null && driverId !== current.driverId)
        problems.push(
          `${event.order_id} v${event.version}: driver ${driverId} while ${current.driverId} held it`,
        );
      continue;
    }
    if (current) {
      current.endEventId = event.id;
      holds.push(current);
      current = null;
    }
    if (holdsDriver(event.to_status)) {
      if (driverId === null) problems.push(`${event.order_id} v${event.version}: no driver named`);
      else
        current = {
          driverId,
          orderId: event.order_id,
          startEventId: event.id,
          endEventId: Infinity,
        };
    }
  }
  if (current) holds.push(current);
  return holds;
}

/** Problems where one driver's holds overlap (two live offers or trips at once). */
export function overlappingHolds(holds: DriverHold[]): string[] {
  const byDriver = new Map<number, DriverHold[]>();
  for (const hold of holds)
    byDriver.set(hold.driverId, [...(byDriver.get(hold.driverId) ?? []), hold]);
  const problems: string[] = [];
  for (const [driverId, list] of byDriver) {
    list.sort((a, b) => a.startEventId - b.startEventId);
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1]!;
      const after = list[i]!;
      if (after.startEventId < before.endEventId)
        problems.push(
          `driver ${driverId}: ${after.orderId} began (event ${after.startEventId}) while ${before.orderId} held them (until ${before.endEventId})`,
        );
    }
  }
  return problems;
}
