/**
 * A Loymax date-time (ISO 8601 in the seed: "2021-06-15T09:17:07Z") as an ISO
 * instant, or null when there is none (null or ""). A text that is not a
 * time PostgreSQL can store gives undefined: the schemas refuse it (format
 * "date-time") rather than the profile taking the time it was received.
 */
const ISO_8601 = /^(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function loymaxTime(value: string | null | undefined): string | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  // ISO 8601 only (JavaScript would also read "12" as a date); no zone is UTC, never the process's own zone.
  const iso = ISO_8601.exec(value.trim());
  if (!iso) return undefined;
  const time = Date.parse(iso[2] ? value.trim() : `${iso[1]}Z`);
  if (Number.isNaN(time)) return undefined;
  // JavaScript reads years PostgreSQL refuses (0000, +275760): no usable time either.
  const year = new Date(time).getUTCFullYear();
  return year >= 1 && year <= 9999 ? new Date(time).toISOString() : undefined;
}
