/**
 * The driver facts one dispatch worker holds in memory (no I/O here): each driver's candidate
 * facts and, for the local day, the orders that count as their trips. Changed only by
 * applying what the database says (lib/dispatch/supply-follower.ts), so a free driver here is
 * exactly what the candidate query would find, as of the last change applied — except the
 * position and its freshness, which a search takes from the position index.
 */
import type {
  SupplyDriverRow,
  SupplyOrderRow,
} from '../../db/repositories/dispatch-candidate-supply.repository.js';
import type { TripsTodayRule } from '../drivers/trips-today.js';
import type { FreeDriver } from './candidate-pool.js';

/** Free for an offer: the candidate query's availability rule, on the held facts. */
export const isFreeForOffer = (d: SupplyDriverRow): boolean =>
  d.is_active && d.is_online && d.status === 'online_idle';

export interface SupplyFacts {
  readonly driverCount: number;
  /** Whether `nowMs` falls in the local day the trip counts are for. */
  covers(nowMs: number): boolean;
  /** Replaces everything: all drivers, the day and its counted trips. */
  reset(
    drivers: readonly SupplyDriverRow[],
    day: SupplyDay,
    trips: readonly SupplyOrderRow[],
  ): void;
  /** A driver as the database has them now (null: deleted). */
  setDriver(id: number, row: SupplyDriverRow | null): void;
  /** An order as the database has it now (null: deleted). */
  setOrder(id: string, row: SupplyOrderRow | null): void;
  /** The driver's facts when free for an offer, else undefined. */
  free(id: number): FreeDriver | undefined;
}

export interface SupplyDay {
  startMs: number;
  endMs: number;
}

export function createSupplyFacts(rule: TripsTodayRule): SupplyFacts {
  const drivers = new Map<number, SupplyDriverRow>();
  /** Orders counted as a trip today → their driver. */
  const trips = new Map<string, number>();
  const tripCounts = new Map<number, number>();
  let day: SupplyDay = { startMs: 0, endMs: 0 };
  const tripStatuses = new Set(rule.tripStatuses);

  const bump = (driverId: number, by: number) => {
    const n = (tripCounts.get(driverId) ?? 0) + by;
    if (n === 0) tripCounts.delete(driverId);
    else tripCounts.set(driverId, n);
  };

  function setOrder(id: string, row: SupplyOrderRow | null): void {
    const before = trips.get(id);
    if (before !== undefined) {
      trips.delete(id);
      bump(before, -1);
    }
    if (!row || row.driver_id === null || row.assigned_at === null) return;
    const at = new Date(row.assigned_at).getTime();
    if (!tripStatuses.has(row.status) || at < day.startMs || at >= day.endMs) return;
    trips.set(id, row.driver_id);
    bump(row.driver_id, 1);
  }

  return {
    get driverCount() {
      return drivers.size;
    },
    covers: (nowMs) => nowMs >= day.startMs && nowMs < day.endMs,
    reset(rows, newDay, tripRows) {
      drivers.clear();
      trips.clear();
      tripCounts.clear();
      day = newDay;
      for (const row of rows) drivers.set(row.id, row);
      for (const row of tripRows) setOrder(row.id, row);
    },
    setDriver(id, row) {
      if (row) drivers.set(id, row);
      else drivers.delete(id);
    },
    setOrder,
    free(id) {
      const d = drivers.get(id);
      if (!d || !isFreeForOffer(d)) return undefined;
      return {
        driver_id: d.id,
        name: d.name,
        region_id: d.region_id,
        car_model: d.car_model,
        capacity: d.capacity,
        wheelchair_accessible: d.wheelchair_accessible,
        trips_today: tripCounts.get(d.id) ?? 0,
      };
    },
  };
}
