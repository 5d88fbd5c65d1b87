/**
 * Who may read /metrics. It is meant to be reached only from the monitoring network; when
 * METRICS_TOKEN is set, a scrape must also send `Authorization: Bearer <METRICS_TOKEN>`.
 */
import { timingSafeEqual } from 'node:crypto';

export function isMetricsScrapeAllowed(
  authorization: string | undefined,
  expectedToken: string,
): boolean {
  if (expectedToken === '') return true;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  const given = Buffer.from(match?.[1] ?? '');
  const expected = Buffer.from(expectedToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
