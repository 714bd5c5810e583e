/**
 * An ISO 8601 date-time ("2021-06-15T09:17:07Z", "2021-06-15 09:17:07+03",
 * "2021-06-15") as an ISO instant, or undefined when the text is not one
 * (a date no calendar has, like February 30; an hour past 23; an offset no
 * zone has), or is a time PostgreSQL cannot store. ISO 8601 only:
 * JavaScript's Date would also read "12" or "March 7" as dates, roll
 * February 30 over into March, and refuse "+03" after a "T". A time without
 * a zone is UTC, never the process's own zone. Fractions finer than a
 * millisecond are cut (JavaScript's times hold no more).
 */
// The zone belongs to a time: after a bare date, "2021-06-15-05" would read as 05:00Z.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?)?$/i;

export function isoInstant(text: string): string | undefined {
  const parts = ISO_8601.exec(text.trim());
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(parts[i] ?? 0)) as [number, number, number, number, number, number];
  const millis = Number((parts[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const [offsetHours, offsetMinutes] = [Number(parts[10] ?? 0), Number(parts[11] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  // Not Date.UTC: it reads years below 100 as 19xx.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  // An impossible day rolls over into the next month: the calendar date must come back as written.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const instant = new Date(date.getTime() - (parts[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000);
  // Years PostgreSQL refuses (0000, past 9999): no usable time either.
  const storedYear = instant.getUTCFullYear();
  return storedYear >= 1 && storedYear <= 9999 ? instant.toISOString() : undefined;
}
