import type { PackCursor } from './build-pack-query.ts';

const NUMBER = /^-?\d+(?:\.\d+)?$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Where a run with a look-back window starts: `amount` before the stored
 * cursor (seconds for a timestamp, units for a number). Rows a source
 * commits late with an earlier date are found this way; rows already stored
 * are read again and collide on their event ids, so the window costs reads,
 * never duplicates. null when the cursor is not a number or a timestamp.
 */
export function lookBackCursor(cursor: PackCursor, amount: number): PackCursor | null {
  if (amount <= 0) return cursor;
  if (NUMBER.test(cursor.value)) return { value: String(Number(cursor.value) - amount), key: null };
  const m = TIMESTAMP.exec(cursor.value);
  if (!m) return null;
  const zone = m[4] ? (m[4] === 'Z' ? 'Z' : m[4].length === 3 ? `${m[4]}:00` : m[4].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
  const micros = (m[3] ?? '.0').slice(1).padEnd(6, '0');
  const millis = Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${zone}`);
  if (Number.isNaN(millis)) return null;
  // Whole seconds move; the microseconds (beyond a JS Date's reach) are kept as read.
  const shifted = new Date(millis - Math.round(amount) * 1000).toISOString();
  const text = `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}.${micros}${m[4] ? '+00:00' : ''}`;
  return { value: text, key: null };
}
