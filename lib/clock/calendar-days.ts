/**
 * Calendar days as `YYYY-MM-DD` strings: the service's local days (the quality report's
 * range, the console's day labels). Day arithmetic runs on midnight UTC of the day, so no
 * local time or daylight-saving shift can move a day. Pure and dependency-free, so the
 * console imports it too.
 */

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const msPerDay = 86_400_000;

/** Midnight UTC of a `YYYY-MM-DD` day (day arithmetic and day labels only, never a local time). */
export const utcMidnightOf = (day: string): Date => new Date(`${day}T00:00:00Z`);

const dayToUtcMs = (day: string) => utcMidnightOf(day).getTime();
const utcMsToDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A real calendar day in years 1970–9999 (PostgreSQL and Date both take those). */
export function isCalendarDay(value: string): boolean {
  const match = dayPattern.exec(value);
  if (!match || Number(match[1]) < 1970) return false;
  const ms = dayToUtcMs(value);
  return Number.isFinite(ms) && utcMsToDay(ms) === value;
}

/** The day `days` after `day` (before it when negative). */
export const addDays = (day: string, days: number): string =>
  utcMsToDay(dayToUtcMs(day) + days * msPerDay);

/** Days from `from` to `to`: 0 for the same day, negative when `to` comes first. */
export const daysApart = (from: string, to: string): number =>
  (dayToUtcMs(to) - dayToUtcMs(from)) / msPerDay;

/** The days of an inclusive range, oldest first. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let ms = dayToUtcMs(from); ms <= dayToUtcMs(to); ms += msPerDay) days.push(utcMsToDay(ms));
  return days;
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
