/**
 * Times sent by clients. A time with a zone (`Z`, `+05:00`) is that instant. A time without
 * one, as Dart's `DateTime.toIso8601String()` writes a local time (`2026-12-02T09:30:00.000`),
 * is wall-clock time in the service's zone (`TIME_ZONE`), as the original Django backend
 * read it; never in the server's own zone. Answers always carry the zone (UTC, `Z`).
 */
const isoTime =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** True when the text is an ISO-8601 date and time, with or without a zone. */
export const isClientTime = (value: string): boolean => isoTime.test(value);

/** Milliseconds the zone's wall clock is ahead of UTC at `instantMs`. */
function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instantMs));
  const field = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wallMs = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return wallMs - Math.floor(instantMs / 1000) * 1000;
}

/** The instant the client meant, or null when the text is not a real date and time. */
export function parseClientTime(value: string, timeZone: string): Date | null {
  const match = isoTime.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '0', fraction = '0', zone] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const wallMs = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], ms);
  // Date.UTC rolls 30 February over into March: such a date names nothing.
  const check = new Date(wallMs);
  if (
    check.getUTCFullYear() !== fields[0] ||
    check.getUTCMonth() !== fields[1] - 1 ||
    check.getUTCDate() !== fields[2] ||
    check.getUTCHours() !== fields[3] ||
    check.getUTCMinutes() !== fields[4] ||
    check.getUTCSeconds() !== fields[5]
  ) {
    return null;
  }
  if (zone !== undefined) {
    if (zone === 'Z') return new Date(wallMs);
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    return new Date(wallMs - offsetMs);
  }
  // The offset depends on the instant; a second pass settles it around a DST change.
  const first = wallMs - zoneOffsetMs(wallMs, timeZone);
  return new Date(wallMs - zoneOffsetMs(first, timeZone));
}
