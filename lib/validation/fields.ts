/** Field rules shared by several schemas, so each rule lives in one place. */
import * as yup from 'yup';

/** An email address, or null to clear it; an empty string is neither and is refused. */
export const emailField = () =>
  yup.string().trim().min(1, 'Enter an email address, or null').email().max(254).nullable();

/**
 * Dates PostgreSQL and the apps can both hold: JavaScript accepts years from -271821, which
 * the database refuses (a 500 before issue 9).
 */
export const earliestDate = new Date('1900-01-01T00:00:00Z');
export const latestDate = new Date('9999-12-31T23:59:59Z');

/** A query date (`2026-11-26` or an ISO-8601 instant) within the range above. */
export const queryDateField = () =>
  yup
    .date()
    .min(earliestDate, 'Use a date from 1900 on')
    .max(latestDate, 'Use a date before the year 10000');
