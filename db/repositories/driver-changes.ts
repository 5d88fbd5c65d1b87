/**
 * What PostgreSQL announces on `driver_changes` (migration 20261202000800_notify-driver-changes):
 * at commit, in commit order, whoever made the change. One channel for every in-process copy of
 * drivers (the web process's driver views, the worker's driver supply): each takes the kinds it
 * needs and ignores the rest.
 */
export const driverChangesChannel = 'driver_changes';

export type DriverChange =
  /**
   * `d:<id>`: the driver's candidate facts changed (name, region, vehicle, capacity,
   * accessibility, active, online, status), or the driver was added or deleted. What their
   * view shows changed too.
   */
  | { kind: 'driver'; driverId: number }
  /**
   * `v:<id>`: only something else their view shows changed (another column but the position
   * the writer flushes and updated_at, or their login's `users` row).
   */
  | { kind: 'driver-view'; driverId: number }
  /** `o:<id>`: what counts as the order's trip changed (driver, status, assigned_at). */
  | { kind: 'order'; orderId: string }
  /** `r:<id>`: a region row changed or was deleted (every view of its drivers shows it). */
  | { kind: 'region'; regionId: string }
  /** `*`: a TRUNCATE of drivers, users, regions or orders; anything may have changed. */
  | { kind: 'everything' }
  /** `b:<token>`: a barrier a worker announced itself (supply-follower.ts), nothing changed. */
  | { kind: 'barrier'; token: string };

/** The payload of a barrier (`loadOrderForSearch` sends it with pg_notify). */
export const barrierPayload = (token: string): string => `b:${token}`;

/** Anything not understood counts as "everything may have changed" (safe for a cache). */
export function parseDriverChange(payload: string): DriverChange {
  const colon = payload.indexOf(':');
  const kind = colon < 0 ? payload : payload.slice(0, colon);
  const id = payload.slice(colon + 1);
  if (colon > 0 && id !== '') {
    if (kind === 'b') return { kind: 'barrier', token: id };
    if (kind === 'o') return { kind: 'order', orderId: id };
    if (kind === 'r') return { kind: 'region', regionId: id };
    const driverId = Number(id);
    if (Number.isSafeInteger(driverId)) {
      if (kind === 'd') return { kind: 'driver', driverId };
      if (kind === 'v') return { kind: 'driver-view', driverId };
    }
  }
  return { kind: 'everything' };
}
