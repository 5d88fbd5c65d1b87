/**
 * The raw facts of the operator's quality report, per local day of the service time zone:
 * one row per order booked in the range, and one per driver active on a day. Every read is
 * bounded by the range through an index (orders by created_at, offers and events by order).
 */
import type { Db } from '../database.js';
import { secondsToAssignmentSql } from './dispatch-stats.repository.js';

export interface QualityRange {
  /** First and last local day, inclusive, as YYYY-MM-DD. */
  from: string;
  to: string;
  timeZone: string;
  regionId: string | null;
  /** How long before a day an order assigned on it may have been booked (pre-booking). */
  bookingWindowDays: number;
  /** The order statuses that count as a driver's trip (lib/drivers/trips-today.ts). */
  tripStatuses: readonly string[];
}

export interface OrderQualityFacts {
  region_id: string;
  /** Local day the order was booked. */
  day: string;
  needs_wheelchair_access: boolean;
  /** Null until the order was first assigned. */
  seconds_to_assignment: number | null;
  /** Pickup distances of the order's accepted offers (metres). */
  accepted_distances_m: number[];
  offers_declined: number;
  offers_expired: number;
}

export interface DriverDayTrips {
  /** The driver's home region. */
  region_id: string;
  day: string;
  driver_id: number;
  trips: number;
}

const bounds = `(:from::date)::timestamp AT TIME ZONE :tz AS day_start,
                ((:to::date) + 1)::timestamp AT TIME ZONE :tz AS day_end`;

const params = (range: QualityRange) => ({
  from: range.from,
  to: range.to,
  tz: range.timeZone,
  regionId: range.regionId,
  lookbackDays: range.bookingWindowDays + 1,
  tripStatuses: [...range.tripStatuses],
});

export async function listOrderQualityFacts(
  db: Db,
  range: QualityRange,
): Promise<OrderQualityFacts[]> {
  const result = await db.raw<{ rows: OrderQualityFacts[] }>(
    `WITH range AS (SELECT ${bounds})
     SELECT o.region_id, to_char(o.created_at AT TIME ZONE :tz, 'YYYY-MM-DD') AS day,
            o.needs_wheelchair_access,
            CASE WHEN a.id IS NULL THEN NULL ELSE ${secondsToAssignmentSql('o', 'a')} END
              AS seconds_to_assignment,
            coalesce(f.accepted_distances_m, '[]'::json) AS accepted_distances_m,
            coalesce(f.declined, 0) AS offers_declined, coalesce(f.expired, 0) AS offers_expired
       FROM range, orders o
       LEFT JOIN LATERAL (SELECT e.id, e.created_at FROM order_events e
                           WHERE e.order_id = o.id AND e.to_status = 'assigned'
                           ORDER BY e.id LIMIT 1) a ON true
       LEFT JOIN LATERAL (SELECT json_agg(x.distance_m) FILTER (WHERE x.status = 'accepted'
                                                          AND x.distance_m IS NOT NULL)
                                   AS accepted_distances_m,
                                 (count(*) FILTER (WHERE x.status = 'declined'))::int AS declined,
                                 (count(*) FILTER (WHERE x.status = 'expired'))::int AS expired
                            FROM offers x WHERE x.order_id = o.id) f ON true
      WHERE o.created_at >= range.day_start AND o.created_at < range.day_end
        AND (:regionId::text IS NULL OR o.region_id = :regionId)`,
    params(range),
  );
  return result.rows;
}

/**
 * Drivers active on a day: offered an order, or given a trip, that local day. Trips are
 * counted as the ranking's "trips today" counts them (assigned that day, kept or finished),
 * so the Gini measures what the fairness rule equalises. Zero-trip active drivers appear.
 */
export async function listDriverDayTrips(db: Db, range: QualityRange): Promise<DriverDayTrips[]> {
  const result = await db.raw<{ rows: DriverDayTrips[] }>(
    `WITH range AS (SELECT ${bounds}),
     recent AS (
       SELECT o.* FROM orders o, range
        WHERE o.created_at >= range.day_start - make_interval(days => :lookbackDays)
          AND o.created_at < range.day_end
     ), trips AS (
       SELECT o.driver_id, to_char(o.assigned_at AT TIME ZONE :tz, 'YYYY-MM-DD') AS day,
              count(*)::int AS trips
         FROM recent o, range
        WHERE o.driver_id IS NOT NULL AND o.status = ANY(:tripStatuses)
          AND o.assigned_at >= range.day_start AND o.assigned_at < range.day_end
        GROUP BY 1, 2
     ), offered AS (
       SELECT DISTINCT x.driver_id, to_char(x.created_at AT TIME ZONE :tz, 'YYYY-MM-DD') AS day
         FROM recent o JOIN offers x ON x.order_id = o.id, range
        WHERE x.created_at >= range.day_start AND x.created_at < range.day_end
     ), active AS (
       SELECT driver_id, day FROM trips UNION SELECT driver_id, day FROM offered
     )
     SELECT d.region_id, a.day, a.driver_id, coalesce(t.trips, 0) AS trips
       FROM active a JOIN drivers d ON d.id = a.driver_id
       LEFT JOIN trips t ON t.driver_id = a.driver_id AND t.day = a.day
      WHERE (:regionId::text IS NULL OR d.region_id = :regionId)
      ORDER BY a.day, d.region_id, a.driver_id`,
    params(range),
  );
  return result.rows;
}

/** The regions to report on: the one asked for, or every region (inactive ones too). */
export async function listReportRegionIds(db: Db, regionId: string | null): Promise<string[]> {
  const query = db('regions').orderBy('id');
  if (regionId !== null) void query.where('id', regionId);
  return query.pluck('id') as Promise<string[]>;
}
