/**
 * The quality report's range limit, apart from its yup schema so the console can import the
 * number without bundling yup.
 */

/** The longest range one request may ask for: a quarter, so the report's reads stay bounded. */
export const maxReportDays = 92;
