/**
 * Input of the operator's quality report: a range of the service's local days (inclusive)
 * and an optional region. The schema checks each value; `resolveReportDays` checks the range
 * as a whole once the defaults (which depend on today) are known. Day arithmetic is
 * lib/clock/calendar-days.ts.
 */
import * as yup from 'yup';
import { addDays, daysApart, isCalendarDay } from '../clock/calendar-days.js';
import { AppError } from '../errors/app-error.js';
import { maxReportDays } from './report-limits.js';

export { maxReportDays };
/** Days reported when `from` is absent: the week ending `to`. */
export const defaultReportDays = 7;

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

/** The requested days with defaults filled in; 400 when the range is reversed or too long. */
export function resolveReportDays(
  query: Pick<DispatchQualityQuery, 'from' | 'to'>,
  today: string,
): { from: string; to: string } {
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -(defaultReportDays - 1));
  const span = daysApart(from, to) + 1;
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
