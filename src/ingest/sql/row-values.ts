import { isoInstant } from '../../events/iso-time.ts';
import type { SourceRow } from './sql-source.ts';

/**
 * Reading the values of a source row the same way for every entity: text
 * trimmed (an empty cell is no value), numbers parsed strictly, dates
 * normalised or refused. A mapper that cannot read a required value rejects
 * the row with the reason; it never guesses.
 */

export function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : dateText(value);
  const text = String(value).trim();
  return text === '' ? null : text;
}

/**
 * A Date of year 0 (pg reads '0001-03-01 BC' so) is a real day that no
 * timestamp column stores, not MySQL's zero date: toISOString would write it
 * "0000-03-01…", which reads as "no date". ISO's expanded year (as
 * toISOString writes years past 9999) makes it a rejected row instead.
 */
function dateText(date: Date): string {
  const iso = date.toISOString();
  return date.getUTCFullYear() === 0 ? `+00${iso}` : iso;
}

/** A decimal number, or null for an empty cell; `undefined` when the cell holds something that is not a number. */
export function numberOf(value: unknown): number | null | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  const text = textOf(value);
  if (text === null) return null;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  // "1e999" reads as Infinity, which JSON (and so the store) would turn into null.
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/** A boolean from the usual SQL spellings (1/0, true/false, t/f, yes/no, y/n); `undefined` for anything else. */
export function booleanOf(value: unknown): boolean | null | undefined {
  if (typeof value === 'boolean') return value;
  const text = textOf(value)?.toLowerCase() ?? null;
  if (text === null) return null;
  if (['1', 'true', 't', 'yes', 'y'].includes(text)) return true;
  if (['0', 'false', 'f', 'no', 'n'].includes(text)) return false;
  return undefined;
}

/**
 * PostgreSQL text cannot hold NUL (MySQL's can): one such row must be a
 * rejected row, not a pack that fails on every run. Returns the column.
 */
export function columnWithNul(row: SourceRow): string | undefined {
  return Object.keys(row).find((column) => typeof row[column] === 'string' && (row[column] as string).includes('\u0000'));
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A date as YYYY-MM-DD (dateOnly) or an instant as ISO time (UTC when the
 * source gives no zone; a plain date stays a plain date), years 1 to 9999.
 * Anything else is null: a wrong date in a profile is worse than a reported row.
 */
export function normaliseDate(text: string, dateOnly: boolean): string | null {
  if (DATE_ONLY.test(text)) return isStorableDay(text) ? text : null;
  const stamped = DATE_TIME.exec(text);
  if (!stamped) return null;
  // A birth date is the day as written: an offset must not move it to another day.
  if (dateOnly) return isStorableDay(stamped[1]!) ? stamped[1]! : null;
  return isoInstant(text) ?? null;
}

/** A day the calendar has, in years 1 to 9999 (what PostgreSQL and ISO text hold). */
const isStorableDay = (day: string): boolean => isoInstant(day) !== undefined;

/**
 * MySQL's way of writing "no date": the zero date (0000-00-00, with or
 * without a zero time) and dates with a zero month or day (1980-02-00),
 * which legacy schemas use instead of NULL, and PostgreSQL's infinity and
 * -infinity. They read as no value, not as a row to reject.
 */
export function isZeroDate(text: string): boolean {
  const parts = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(text);
  if (parts !== null) return Number(parts[1]) === 0 || Number(parts[2]) === 0 || Number(parts[3]) === 0;
  // PostgreSQL's way of writing "no bound" (a promo code that never expires) reads the same.
  return INFINITY.test(text);
}

const INFINITY = /^[+-]?infinity$/i;

/** An instant (ISO, UTC) from a date/time cell: null when empty or a zero date, `undefined` when not a real date. */
export function instantOf(value: unknown): string | null | undefined {
  const text = textOf(value);
  if (text === null || isZeroDate(text)) return null;
  const normal = normaliseDate(text, false);
  if (normal === null) return undefined;
  return normal.length === 10 ? `${normal}T00:00:00.000Z` : normal;
}
