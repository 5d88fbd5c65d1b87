/**
 * A driver's position report, from REST (`PATCH /api/drivers/{id}/location/`) or the socket
 * (`driver:location`): both call `updateDriverLocation`, so both check the same ranges and
 * drop the same stale points.
 *
 * Redis-first: the report goes to the driver's latest position, the dirty mark for the
 * PostgreSQL writer and the position index in one atomic script (lib/geo/position-reports.ts);
 * no PostgreSQL write on the way, and no read either once this process holds the driver's view
 * (lib/drivers/driver-view-cache.ts). The writer (lib/drivers/position-writer.ts) persists it
 * within POSITION_FLUSH_INTERVAL_MS. Out-of-order safe: a point older than the latest held is
 * refused by the script, and the writer only moves a row forward in time. An ignored point is
 * not an error: the driver gets 200 with the position we hold.
 */
import * as yup from 'yup';
import type { UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { publishDriverLocation } from '../realtime/publish-driver-location.js';
import { bodyObject } from '../validation/parse-input.js';
import { loadDriverView } from './read-drivers.js';
import type { DriverView } from './driver-view.js';
import type { LatestPosition } from '../geo/position-reports.js';

/** How far ahead of our clock a device's `recorded_at` may be before we call it wrong. */
export const maxClockSkewMs = 30_000;

export const driverLocationSchema = bodyObject({
  lat: yup.number().min(-90).max(90).required(),
  lon: yup.number().min(-180).max(180).required(),
  heading: yup.number().min(0).max(360).nullable(),
  speed: yup.number().min(0).nullable().meta({ description: 'metres per second' }),
  accuracy: yup.number().min(0).nullable().meta({ description: 'metres' }),
  recorded_at: yup
    .string()
    .datetime({ allowOffset: true })
    .meta({ description: 'When the device took the fix; absent = now' }),
});

export type DriverLocationInput = yup.InferType<typeof driverLocationSchema>;

export interface DriverLocationResult {
  driver: DriverView;
  /** False when the point was older than the stored one and was ignored. */
  accepted: boolean;
}

type LocationDeps = Pick<
  AppDeps,
  'db' | 'clock' | 'positionIndex' | 'redis' | 'config' | 'logger' | 'driverViews'
>;

export interface DriverLocationReport {
  driverId: number;
  point: DriverLocationInput;
}

export async function updateDriverLocation(
  deps: LocationDeps,
  actor: UserActor,
  input: DriverLocationReport,
): Promise<DriverLocationResult> {
  const { driverId, point } = input;
  // Only the driver themself reports their position; any other id is outside their scope.
  // (The session says who the caller's driver is and is revoked when the driver is
  // deactivated, so an inactive driver never gets this far.)
  if (actor.role !== 'driver' || actor.driverId !== driverId) throw new AppError('not_found');
  const now = deps.clock.now();
  const recordedAt = point.recorded_at ? new Date(point.recorded_at) : now;
  if (recordedAt.getTime() > now.getTime() + maxClockSkewMs) {
    throw new AppError('validation_failed', {
      fields: { recorded_at: ['The point is recorded in the future'] },
    });
  }
  // The index write and the driver's view (for the answer and their online flag; from this
  // process's cache, which PostgreSQL's change announcements keep exact, so usually without a
  // round trip) go out together: a driver who goes offline meanwhile is marked offline in the
  // index by that change (lib/geo/position-store.ts), which keeps this report out of it
  // whichever comes first.
  const [outcome, view] = await Promise.all([
    deps.positionIndex.report(driverId, {
      lat: point.lat,
      lon: point.lon,
      recordedAtMs: recordedAt.getTime(),
      heading: point.heading ?? null,
      speed: point.speed ?? null,
      accuracy: point.accuracy ?? null,
    }),
    deps.driverViews.lookup(driverId, () => loadDriverView(deps.db.knex, driverId)),
  ]);
  // Only online drivers are searchable; an offline driver's point is kept for the record.
  // (After a Redis wipe the offline marks are gone: this takes such a point out again.)
  if (outcome.streamId && !view.is_online) {
    await deps.positionIndex.removeIfNotNewer(driverId, recordedAt);
  }
  // The passenger's map: throttled, straight to realtime clients, no outbox row per point.
  if (outcome.accepted) {
    await publishDriverLocation(deps, driverId, {
      lat: point.lat,
      lon: point.lon,
      heading: point.heading ?? null,
      speed: point.speed ?? null,
      recordedAt,
    });
  }
  return { driver: withHeldPosition(view, outcome.held), accepted: outcome.accepted };
}

/** The view with the position we hold now, which PostgreSQL gets at the writer's next flush. */
function withHeldPosition(view: DriverView, held: LatestPosition): DriverView {
  return {
    ...view,
    current_lat: held.lat,
    current_lon: held.lon,
    current_position: { lat: held.lat, lon: held.lon },
    last_location_update: new Date(held.recordedAtMs).toISOString(),
  };
}
