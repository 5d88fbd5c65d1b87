/**
 * The operator's quality report (GET /api/reports/dispatch-quality/): per region and local
 * day of the service time zone, how dispatch served passengers and spread work over drivers.
 * Read-only; every region × day of the range appears, with nulls where nothing was measured,
 * so a chart needs no gap filling.
 */
import {
  listDriverDayTrips,
  listOrderQualityFacts,
  listReportRegionIds,
} from '../../db/repositories/dispatch-quality.repository.js';
import type { AppDeps } from '../deps.js';
import { tripStatuses } from '../drivers/trips-today.js';
import { AppError } from '../errors/app-error.js';
import { summariseQualityDay, type DispatchQualityDay } from './dispatch-quality-figures.js';
import { daysBetween, localDayOf } from '../clock/calendar-days.js';
import { resolveReportDays, type DispatchQualityQuery } from './dispatch-quality.schemas.js';

export interface DispatchQualityReport {
  from: string;
  to: string;
  time_zone: string;
  region_id: string | null;
  results: DispatchQualityDay[];
}

type ReportDeps = Pick<AppDeps, 'db' | 'config' | 'clock'>;

const keyOf = (regionId: string, day: string) => `${regionId}|${day}`;

function groupBy<T extends { region_id: string; day: string }>(rows: readonly T[]) {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row.region_id, row.day);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}

export async function buildDispatchQualityReport(
  deps: ReportDeps,
  query: DispatchQualityQuery,
): Promise<DispatchQualityReport> {
  const timeZone = deps.config.timeZone;
  const { from, to } = resolveReportDays(query, localDayOf(deps.clock.now(), timeZone));
  const regionId = query.region_id ?? null;
  const db = deps.db.knex;
  const regionIds = await listReportRegionIds(db, regionId);
  if (regionId !== null && regionIds.length === 0) throw new AppError('not_found');

  const range = {
    from,
    to,
    timeZone,
    regionId,
    bookingWindowDays: deps.config.orders.bookingWindowDays,
    tripStatuses,
  };
  const orders = groupBy(await listOrderQualityFacts(db, range));
  const drivers = groupBy(await listDriverDayTrips(db, range));
  const results = daysBetween(from, to).flatMap((day) =>
    regionIds.map((id) =>
      summariseQualityDay(
        id,
        day,
        orders.get(keyOf(id, day)) ?? [],
        drivers.get(keyOf(id, day)) ?? [],
      ),
    ),
  );
  return { from, to, time_zone: timeZone, region_id: regionId, results };
}
