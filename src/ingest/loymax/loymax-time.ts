import { isoInstant } from '../../events/iso-time.ts';

/**
 * A Loymax date-time (ISO 8601 in the seed: "2021-06-15T09:17:07Z") as an ISO
 * instant, or null when there is none (null or ""). A text that is not a
 * time PostgreSQL can store gives undefined: the schemas refuse it (format
 * "date-time") rather than the profile taking the time it was received.
 */
export function loymaxTime(value: string | null | undefined): string | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  return isoInstant(value);
}
