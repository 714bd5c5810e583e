/**
 * An ISO 8601 date-time ("2021-06-15T09:17:07Z", "2021-06-15 09:17:07+03:00",
 * "2021-06-15") as an ISO instant, or undefined when the text is not one, or
 * is a time PostgreSQL cannot store. ISO 8601 only: JavaScript's Date would
 * also read "12" or "March 7" as dates. A time without a zone is UTC, never
 * the process's own zone.
 */
const ISO_8601 = /^(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function isoInstant(text: string): string | undefined {
  const trimmed = text.trim();
  const iso = ISO_8601.exec(trimmed);
  if (!iso) return undefined;
  const time = Date.parse(iso[2] ? trimmed : `${iso[1]}Z`);
  if (Number.isNaN(time)) return undefined;
  // JavaScript reads years PostgreSQL refuses (0000, +275760): no usable time either.
  const year = new Date(time).getUTCFullYear();
  return year >= 1 && year <= 9999 ? new Date(time).toISOString() : undefined;
}
