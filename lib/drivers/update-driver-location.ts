/**
 * A driver's position report, from REST (`PATCH /api/drivers/{id}/location/`) or the socket
 * (`driver:location`): both call `updateDriverLocation`, so both check the same ranges and
 * drop the same stale points.
 *
 * Out-of-order safe: the database keeps a point only if it is not older than the stored one
 * (a conditional UPDATE), and the position index does the same check, so a late packet can
 * never move the driver back. An ignored point is not an error: the driver gets 200 with the
 * position we hold.
 */
import * as yup from 'yup';
import { storeDriverLocation } from '../../db/repositories/driver.repository.js';
import type { UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { publishDriverLocation } from '../realtime/publish-driver-location.js';
import { bodyObject } from '../validation/parse-input.js';
import { loadDriverView } from './read-drivers.js';
import type { DriverView } from './driver-view.js';

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

type LocationDeps = Pick<AppDeps, 'db' | 'clock' | 'positionIndex' | 'redis' | 'config' | 'logger'>;

export async function updateDriverLocation(
  deps: LocationDeps,
  actor: UserActor,
  driverId: number,
  input: DriverLocationInput,
): Promise<DriverLocationResult> {
  // Only the driver themself reports their position; any other id is outside their scope.
  if (actor.role !== 'driver' || actor.driverId !== driverId) throw new AppError('not_found');
  const now = deps.clock.now();
  const recordedAt = input.recorded_at ? new Date(input.recorded_at) : now;
  if (recordedAt.getTime() > now.getTime() + maxClockSkewMs) {
    throw new AppError('validation_failed', {
      fields: { recorded_at: ['The point is recorded in the future'] },
    });
  }
  const { stored, isOnline } = await storeDriverLocation(deps.db.knex, driverId, {
    current_lat: input.lat,
    current_lon: input.lon,
    heading: input.heading ?? null,
    speed: input.speed ?? null,
    accuracy: input.accuracy ?? null,
    last_location_update: recordedAt,
  });
  // Only online drivers are searchable; an offline driver's point is kept for the record.
  const indexed = stored && isOnline;
  if (indexed) {
    await deps.positionIndex.upsert({ driverId, lat: input.lat, lon: input.lon, recordedAt });
  }
  const driver = await loadDriverView(deps.db.knex, driverId);
  // The driver went offline between our write and our upsert: take the point back out.
  if (indexed && !driver.is_online) await deps.positionIndex.remove(driverId);
  // The passenger's map: throttled, straight to realtime clients, no outbox row per point.
  if (stored) {
    await publishDriverLocation(deps, driverId, {
      lat: input.lat,
      lon: input.lon,
      heading: input.heading ?? null,
      speed: input.speed ?? null,
      recordedAt,
    });
  }
  return { driver, accepted: stored };
}
