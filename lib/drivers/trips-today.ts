/** Trips today per driver for the console's drivers list, counted as the ranking counts them. */
import { countTripsTodayByDriver } from '../../db/repositories/dispatch-candidate.repository.js';
import type { AppDeps } from '../deps.js';

export async function listTripsToday(
  deps: Pick<AppDeps, 'db' | 'config' | 'clock'>,
): Promise<{ trips_today: Record<string, number> }> {
  const counts = await countTripsTodayByDriver(
    deps.db.knex,
    deps.clock.now(),
    deps.config.timeZone,
  );
  return { trips_today: Object.fromEntries([...counts].map(([id, n]) => [String(id), n])) };
}
