/**
 * The position writer: persists drivers' latest reports from Redis (lib/geo/position-reports.ts)
 * to PostgreSQL in batches, one UPDATE per batch, only ever forward in time. It runs in every
 * process that takes reports (web and realtime), each POSITION_FLUSH_INTERVAL_MS; several
 * running at once share the work safely (claims with a lease), and a process that dies
 * mid-batch leaves its claims to lapse back to dirty for another writer.
 *
 * So PostgreSQL's `drivers.current_lat/current_lon/last_location_update` — what the API views,
 * the arrival geofence and the console list read — is at most one interval plus one batch
 * behind the index that dispatch searches; after a flush they are equal.
 */
import { writeDriverPositions } from '../../db/repositories/driver-position.repository.js';
import type { AppDeps } from '../deps.js';
import type { Db } from '../../db/database.js';
import {
  createPositionReports,
  type LatestPosition,
  type PositionReports,
} from '../geo/position-reports.js';

/** Drivers per statement: 10,000 drivers reporting every 4 s is 2,500 a second. */
export const positionBatchSize = 5000;
/** A claim not settled within this is taken to belong to a dead writer and handed on. */
const claimLeaseMs = 30_000;

type WriterDeps = Pick<AppDeps, 'db' | 'redis' | 'config'>;

const reportsFor = new WeakMap<object, PositionReports>();
function reportsOf(deps: WriterDeps): PositionReports {
  let reports = reportsFor.get(deps.redis);
  if (!reports) {
    reports = createPositionReports(deps.redis, deps.config.redis.prefix);
    reportsFor.set(deps.redis, reports);
  }
  return reports;
}

/**
 * Writes every driver marked dirty so far, batch after batch; returns how many were written.
 * A batch that fails is given back (dirty again) before the error is thrown.
 */
export async function flushDriverPositions(deps: WriterDeps): Promise<number> {
  const reports = reportsOf(deps);
  let written = 0;
  for (;;) {
    const batch = await reports.take(positionBatchSize, claimLeaseMs);
    if (batch.positions.length === 0) return written;
    try {
      await writeDriverPositions(
        deps.db.knex,
        batch.positions.map(({ driverId, position }) => ({
          driverId,
          lat: position.lat,
          lon: position.lon,
          heading: position.heading,
          speed: position.speed,
          accuracy: position.accuracy,
          recordedAt: new Date(position.recordedAtMs),
        })),
      );
    } catch (e: unknown) {
      await reports.giveBack(batch).catch(() => undefined);
      throw e;
    }
    await reports.settle(batch);
    written += batch.positions.length;
    if (batch.positions.length < positionBatchSize) return written;
  }
}

/**
 * Writes one driver's latest report now, in the caller's transaction: for the decisions that
 * read the position from PostgreSQL right after a report (the arrival geofence), so the tap on
 * "arrived" sees the point sent just before it, not the one of the last flush. The dirty mark
 * stays; the writer's later UPDATE of the same point changes nothing. When Redis does not
 * answer, the row is used as it is (logged): the decision must not wait on Redis.
 */
export async function persistDriverPosition(
  deps: WriterDeps & Pick<AppDeps, 'logger'>,
  db: Db,
  driverId: number,
): Promise<void> {
  let latest: LatestPosition | null;
  try {
    latest = await reportsOf(deps).latest(driverId);
  } catch (e: unknown) {
    deps.logger.warn({ err: e, driverId }, 'latest position unavailable; using the stored one');
    return;
  }
  if (!latest) return;
  await writeDriverPositions(db, [
    {
      driverId,
      lat: latest.lat,
      lon: latest.lon,
      heading: latest.heading,
      speed: latest.speed,
      accuracy: latest.accuracy,
      recordedAt: new Date(latest.recordedAtMs),
    },
  ]);
}

export interface PositionWriter {
  /** Stops the loop after a last flush (SIGTERM: nothing accepted is left unwritten here). */
  stop(): Promise<void>;
}

/**
 * Flushes every interval until stopped. A failed flush (Redis or PostgreSQL away) is logged
 * and retried at the next tick; what it had taken is dirty again, or lapses back if even
 * that could not be said.
 */
export function startPositionWriter(deps: WriterDeps & Pick<AppDeps, 'logger'>): PositionWriter {
  const intervalMs = deps.config.dispatch.positionFlushIntervalMs;
  let current: Promise<void> | undefined;
  let failing = false;
  const flush = async () => {
    try {
      await flushDriverPositions(deps);
      if (failing) deps.logger.info('position writer recovered');
      failing = false;
    } catch (e: unknown) {
      if (!failing) deps.logger.warn({ err: e }, 'position flush failed; retrying');
      failing = true;
    }
  };
  // One flush at a time: a slow one is not stacked on, the next tick just finds more to do.
  const tick = () => {
    current ??= flush().finally(() => (current = undefined));
    return current;
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
      await tick();
    },
  };
}
