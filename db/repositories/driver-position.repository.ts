/** Drivers' latest positions, written in batches by the position writer. */
import type { Db } from '../database.js';

export interface StoredDriverPosition {
  driverId: number;
  lat: number;
  lon: number;
  heading: number | null;
  speed: number | null;
  accuracy: number | null;
  recordedAt: Date;
}

/**
 * One statement for the whole batch, and only forward in time:
 * a row keeps its position when the stored one is newer, so two writers racing on the same
 * driver, or a late batch, can never move the driver back. Returns the rows changed.
 */
export async function writeDriverPositions(
  db: Db,
  positions: readonly StoredDriverPosition[],
): Promise<number> {
  if (positions.length === 0) return 0;
  // One JSON parameter, unpacked by json_to_recordset: one statement, one round trip, and
  // no parameter-count limit however large the batch.
  const rows = positions.map((p) => ({
    id: p.driverId,
    lat: p.lat,
    lon: p.lon,
    heading: p.heading,
    speed: p.speed,
    accuracy: p.accuracy,
    recorded_at: p.recordedAt.toISOString(),
  }));
  const result = await db.raw<{ rowCount: number }>(
    `UPDATE drivers AS d
        SET current_lat = v.lat, current_lon = v.lon, heading = v.heading, speed = v.speed,
            accuracy = v.accuracy, last_location_update = v.recorded_at, updated_at = now()
       FROM json_to_recordset(?::json) AS v(id int, lat float8, lon float8, heading float8,
                                            speed float8, accuracy float8, recorded_at timestamptz)
      WHERE d.id = v.id
        AND (d.last_location_update IS NULL OR d.last_location_update <= v.recorded_at)`,
    [JSON.stringify(rows)],
  );
  return result.rowCount;
}
