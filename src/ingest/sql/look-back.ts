import type { PackCursor } from './build-pack-query.ts';

const WHOLE = /^-?\d+$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:([ T])(\d{2}:\d{2}:\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Where a run with a look-back window starts: `amount` before the stored
 * cursor (seconds for a timestamp, units for a number). Rows a source
 * commits late with an earlier date are found this way; rows already stored
 * are read again and collide on their event ids, so the window costs reads,
 * never duplicates. null when the cursor is not a number or a timestamp.
 */
export function lookBackCursor(cursor: PackCursor, amount: number): PackCursor | null {
  if (amount <= 0) return cursor;
  // Whole ids move in BigInt: a double would round a large id, even past the cursor (rows skipped).
  if (WHOLE.test(cursor.value) && Number.isInteger(amount)) return { value: String(BigInt(cursor.value) - BigInt(amount)), key: null };
  if (NUMBER.test(cursor.value)) return { value: String(Number(cursor.value) - amount), key: null };
  const m = TIMESTAMP.exec(cursor.value);
  if (!m) return null;
  const [, date, separator, time, fraction, zone] = m as unknown as [string, string, string | undefined, string | undefined, string | undefined, string | undefined];
  const offset = zone ? (zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
  const millis = Date.parse(`${date}T${time ?? '00:00:00'}${offset}`);
  if (Number.isNaN(millis)) return null;
  const shifted = new Date(millis - Math.round(amount) * 1000).toISOString();
  // A plain date stays a plain date (a DATE column compares with it), on
  // the day the shifted time falls in: earlier, so it only reads more.
  if (time === undefined) return { value: shifted.slice(0, 10), key: null };
  // Whole seconds move; the fraction keeps the digits it was read with (a
  // column's precision: MSSQL datetime takes 3, datetime2 7, Oracle 9), the
  // separator and the zone style too, so the server reads it as its own type.
  const zoneText = zone ? (zone === 'Z' ? 'Z' : '+00:00') : '';
  return { value: `${shifted.slice(0, 10)}${separator}${shifted.slice(11, 19)}${fraction ?? ''}${zoneText}`, key: null };
}
