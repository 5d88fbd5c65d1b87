/**
 * Refills the position index from the drivers' last positions in PostgreSQL (after Redis lost
 * its data), so matching finds drivers at once instead of waiting for them to report again —
 * a driver who reports only when moving would otherwise stay invisible. Only online drivers
 * with a fresh position; the index keeps whichever point is newer, so a report arriving
 * meanwhile is never moved back.
 */
import { listFreshDriverPositions } from '../../db/repositories/recovery.repository.js';
import type { AppDeps } from '../deps.js';

export async function rebuildPositionIndex(
  deps: Pick<AppDeps, 'db' | 'clock' | 'config' | 'positionIndex'>,
): Promise<number> {
  const since = new Date(
    deps.clock.now().getTime() - deps.config.dispatch.positionFreshSeconds * 1000,
  );
  const drivers = await listFreshDriverPositions(deps.db.knex, since);
  // Issued together: ioredis pipelines them on one connection.
  await Promise.all(
    drivers.map((driver) =>
      deps.positionIndex.upsert({
        driverId: driver.id,
        lat: driver.current_lat,
        lon: driver.current_lon,
        recordedAt: driver.last_location_update,
      }),
    ),
  );
  return drivers.length;
}
