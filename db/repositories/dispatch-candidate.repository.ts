/**
 * The facts the ranking needs about drivers found near a pickup, in ONE query: who among them
 * is available (active, online, `online_idle`, fresh position), whether they are excluded
 * from this order (declined, missed, withdrew) and their trips today.
 */
import type { TripsTodayRule } from '../../lib/drivers/trips-today.js';
import type { Db } from '../database.js';

/** Who the driver is and what they drive: what both the SQL search and the supply read. */
export interface DriverVehicleRow {
  id: number;
  name: string;
  region_id: string;
  car_model: string;
  capacity: number;
  wheelchair_accessible: boolean;
}

export interface CandidateDriverRow extends DriverVehicleRow {
  is_excluded: boolean;
  trips_today: number;
}

export interface CandidateDriverQuery {
  orderId: string;
  driverIds: readonly number[];
  /** Positions (drivers.last_location_update) older than this are stale. */
  freshSince: Date;
  /** "Today" is the local day (in the rule's time zone) that contains this instant. */
  now: Date;
  /** What counts as a trip today (lib/drivers/trips-today.ts holds the rule). */
  tripsToday: TripsTodayRule;
}

/** The local day (in :tz) that contains :now, as [day_start, day_end). */
const todayCte = `WITH today AS (
       SELECT date_trunc('day', :now::timestamptz AT TIME ZONE :tz) AT TIME ZONE :tz AS day_start,
              (date_trunc('day', :now::timestamptz AT TIME ZONE :tz) + interval '1 day') AT TIME ZONE :tz AS day_end
     )`;

/** Trips today (as the ranking counts them) of every driver with at least one. */
export async function countTripsTodayByDriver(
  db: Db,
  now: Date,
  rule: TripsTodayRule,
): Promise<Map<number, number>> {
  const result = await db.raw<{ rows: { driver_id: number; n: number }[] }>(
    `${todayCte}
     SELECT o.driver_id, count(*)::int AS n FROM orders o, today
      WHERE o.driver_id IS NOT NULL AND o.assigned_at >= today.day_start
        AND o.assigned_at < today.day_end AND o.status = ANY(:tripStatuses)
      GROUP BY o.driver_id`,
    { now: now.toISOString(), tz: rule.timeZone, tripStatuses: [...rule.tripStatuses] },
  );
  return new Map(result.rows.map((row) => [row.driver_id, row.n]));
}

/** Free drivers among `driverIds` with their facts; no order, so nobody is excluded. */
export type FreeDriverQuery = Omit<CandidateDriverQuery, 'orderId'>;

export async function findCandidateDrivers(
  db: Db,
  query: CandidateDriverQuery,
): Promise<CandidateDriverRow[]> {
  return queryDrivers(db, query, query.orderId);
}

/** The same facts for a batch round, whose orders' exclusions are read once for all. */
export async function findFreeDrivers(
  db: Db,
  query: FreeDriverQuery,
): Promise<Omit<CandidateDriverRow, 'is_excluded'>[]> {
  return queryDrivers(db, query, null);
}

async function queryDrivers(
  db: Db,
  query: FreeDriverQuery,
  orderId: string | null,
): Promise<CandidateDriverRow[]> {
  if (query.driverIds.length === 0) return [];
  const excluded =
    orderId === null
      ? 'false'
      : `EXISTS (SELECT 1 FROM order_excluded_drivers x
                  WHERE x.order_id = :orderId AND x.driver_id = d.id)`;
  const result = await db
    .raw<{ rows: CandidateDriverRow[] }>(
      `${todayCte}
     SELECT d.id, d.name, d.region_id, d.car_model, d.capacity, d.wheelchair_accessible,
            ${excluded} AS is_excluded,
            (SELECT count(*) FROM orders o, today
              WHERE o.driver_id = d.id AND o.assigned_at >= today.day_start
                AND o.assigned_at < today.day_end AND o.status = ANY(:tripStatuses))::int AS trips_today
       FROM drivers d
      WHERE d.id = ANY(:driverIds) AND d.is_active AND d.is_online AND d.status = 'online_idle'
        AND d.last_location_update >= :freshSince`,
      {
        now: query.now.toISOString(),
        tz: query.tripsToday.timeZone,
        ...(orderId === null ? {} : { orderId }),
        tripStatuses: [...query.tripsToday.tripStatuses],
        driverIds: [...query.driverIds],
        freshSince: query.freshSince,
      },
    )
    // A named (prepared) statement: every search runs this very text, and planning it anew
    // cost ten times its execution (a generic plan is reused per connection after a few runs).
    .options({ name: orderId === null ? 'dispatch-free-drivers' : 'dispatch-candidate-drivers' });
  return result.rows;
}
