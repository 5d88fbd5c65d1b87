/**
 * Trips today, the count the ranking's fairness rule equalises (and the console's drivers list
 * and the quality report show): orders the driver holds or has finished (assigned … completed,
 * no-show) whose `assigned_at` falls in the service's local day (`TIME_ZONE`). Orders that went
 * back to matching or were cancelled do not count. The rule lives here; the queries take it
 * as parameters (`tripsTodayRule`).
 */
import { countTripsTodayByDriver } from '../../db/repositories/dispatch-candidate.repository.js';
import type { AppDeps } from '../deps.js';
import { driverHoldingStatuses, type OrderStatus } from '../orders/order-status.js';

/** The order statuses in which an assigned order counts as one of the driver's trips. */
export const tripStatuses: readonly OrderStatus[] = [
  ...driverHoldingStatuses,
  'completed',
  'no_show',
];

export interface TripsTodayRule {
  tripStatuses: readonly string[];
  /** "Today" is the local day, in this zone, that contains the service clock's now. */
  timeZone: string;
}

export const tripsTodayRule = (config: Pick<AppDeps['config'], 'timeZone'>): TripsTodayRule => ({
  tripStatuses,
  timeZone: config.timeZone,
});

/** Trips today per driver for the console's drivers list, counted as the ranking counts them. */
export async function listTripsToday(
  deps: Pick<AppDeps, 'db' | 'config' | 'clock'>,
): Promise<{ trips_today: Record<string, number> }> {
  const counts = await countTripsTodayByDriver(
    deps.db.knex,
    deps.clock.now(),
    tripsTodayRule(deps.config),
  );
  return { trips_today: Object.fromEntries([...counts].map(([id, n]) => [String(id), n])) };
}
