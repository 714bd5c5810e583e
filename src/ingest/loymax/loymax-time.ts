/**
 * A Loymax date-time (ISO 8601 in the seed: "2021-06-15T09:17:07Z") as an ISO
 * instant, or null when there is none (null or ""). A text that is not a
 * time PostgreSQL can store gives undefined: the schemas refuse it (format
 * "date-time") rather than the profile taking the time it was received.
 */
export function loymaxTime(value: string | null | undefined): string | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  // JavaScript reads years PostgreSQL refuses (0000, +275760): no usable time either.
  const year = new Date(time).getUTCFullYear();
  return year >= 1 && year <= 9999 ? new Date(time).toISOString() : undefined;
}
