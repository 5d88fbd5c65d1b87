/**
 * Input of the operator's quality report: a range of the service's local days (inclusive)
 * and an optional region. The schema checks each value; `resolveReportDays` checks the range
 * as a whole once the defaults (which depend on today) are known.
 */
import * as yup from 'yup';
import { AppError } from '../errors/app-error.js';
import { maxReportDays } from './report-limits.js';

export { maxReportDays };
/** Days reported when `from` is absent: the week ending `to`. */
export const defaultReportDays = 7;

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const msPerDay = 86_400_000;

/** Midnight UTC of a `YYYY-MM-DD` day (day arithmetic only, never a local time). */
const dayToUtcMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const utcMsToDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A real calendar day in years 1970–9999 (PostgreSQL and Date both take those). */
export function isCalendarDay(value: string): boolean {
  const match = dayPattern.exec(value);
  if (!match || Number(match[1]) < 1970) return false;
  const ms = dayToUtcMs(value);
  return Number.isFinite(ms) && utcMsToDay(ms) === value;
}

const localDay = (description: string) =>
  yup
    .string()
    .test('calendar-day', 'Enter a calendar date as YYYY-MM-DD (years 1970–9999)', (v) =>
      v === undefined ? true : isCalendarDay(v),
    )
    .meta({ format: 'date', description, example: '2026-11-20' });

export const dispatchQualityQuery = yup
  .object({
    from: localDay(`First local day (default: ${defaultReportDays - 1} days before \`to\`)`),
    to: localDay('Last local day, inclusive (default: today in the service time zone)'),
    region_id: yup.string().max(64).meta({ description: 'Only this region (default: all)' }),
  })
  .noUnknown('This parameter is not allowed');

export type DispatchQualityQuery = yup.InferType<typeof dispatchQualityQuery>;

/** The days of an inclusive range, oldest first. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let ms = dayToUtcMs(from); ms <= dayToUtcMs(to); ms += msPerDay) days.push(utcMsToDay(ms));
  return days;
}

/** The requested days with defaults filled in; 400 when the range is reversed or too long. */
export function resolveReportDays(
  query: Pick<DispatchQualityQuery, 'from' | 'to'>,
  today: string,
): { from: string; to: string } {
  const to = query.to ?? today;
  const from = query.from ?? utcMsToDay(dayToUtcMs(to) - (defaultReportDays - 1) * msPerDay);
  const span = (dayToUtcMs(to) - dayToUtcMs(from)) / msPerDay + 1;
  if (span < 1) {
    throw new AppError('validation_failed', { fields: { to: ['Must not be before from'] } });
  }
  if (span > maxReportDays) {
    throw new AppError('validation_failed', {
      fields: { to: [`At most ${maxReportDays} days from from`] },
    });
  }
  return { from, to };
}

/** The local day (in `timeZone`) containing this instant, as YYYY-MM-DD. */
export function localDayOf(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}
