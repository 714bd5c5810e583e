import type { SourceRow } from './sql-source.ts';

/**
 * MS SQL Server values as exact text, so a stored cursor binds back to
 * exactly the value read (as the PostgreSQL and MySQL connectors do).
 *
 * tedious has no "as text" mode: it hands date-times over as JS Dates and
 * decimals as JS numbers. What is kept:
 * - Date-times: with useUTC, a Date's UTC fields are the server's wall-clock
 *   value, and tedious keeps the 100 ns digits a Date cannot hold in
 *   `nanosecondsDelta`; together they give every digit of datetime2(7),
 *   time(7) and datetimeoffset(7). Each type is written with as many
 *   fractional digits as it has (datetime: 3, which SQL Server requires when
 *   it converts text to datetime; datetime2(n): n), in the ISO 8601 form
 *   (`YYYY-MM-DDThh:mm:ss`) that SQL Server reads the same under every
 *   language and DATEFORMAT. datetimeoffset is written in UTC (`+00:00`):
 *   the same instant, which is what SQL Server compares.
 * - decimal, numeric, money: tedious computes them as a double, exact while
 *   the digits fit one (up to 15 significant digits); written with the
 *   column's scale. A longer value cannot be read exactly, so it is refused
 *   (InexactValueError names the column and the fix) rather than rounded: a
 *   rounded cursor could skip rows.
 * - bigint: tedious already gives text.
 */

export interface MssqlColumn {
  name: string;
  /** The SQL type as mssql declares it: 'datetime2', 'decimal', 'nvarchar', … */
  type: string;
  scale?: number | undefined;
}

export class InexactValueError extends Error {}

/** A Date from tedious, with the digits below a millisecond when the type has them. */
type TediousDate = Date & { nanosecondsDelta?: number };

// Below 10^15 (15 significant digits) the unscaled integer tedious reads is
// exact in a double and its division by 10^scale is off by far less than half
// a unit of the last digit, so toFixed(scale) gives back the server's digits.
const EXACT_LIMIT = 1e15;

export function exactMssqlValue(value: unknown, column: MssqlColumn): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return dateTimeText(value as TediousDate, column);
  if (typeof value === 'number') {
    switch (column.type) {
      case 'decimal':
      case 'numeric':
        return decimalText(value, column.scale ?? 0, column.name);
      case 'money':
      case 'smallmoney':
        return decimalText(value, 4, column.name);
    }
  }
  return value;
}

export function exactMssqlRow(row: SourceRow, columns: readonly MssqlColumn[]): SourceRow {
  const exact: SourceRow = {};
  for (const column of columns) exact[column.name] = exactMssqlValue(row[column.name], column);
  return exact;
}

function dateTimeText(date: TediousDate, column: MssqlColumn): unknown {
  if (Number.isNaN(date.getTime())) return date;
  switch (column.type) {
    case 'date':
      return dayOf(date);
    case 'time':
      return timeOf(date, column.scale ?? 7);
    case 'smalldatetime':
      return `${dayOf(date)}T${timeOf(date, 0)}`;
    case 'datetime':
      return `${dayOf(date)}T${timeOf(date, 3)}`;
    case 'datetime2':
      return `${dayOf(date)}T${timeOf(date, column.scale ?? 7)}`;
    case 'datetimeoffset':
      return `${dayOf(date)}T${timeOf(date, column.scale ?? 7)}+00:00`;
    default:
      return date;
  }
}

function dayOf(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

/** hh:mm:ss with `digits` fractional digits (of the seven, 100 ns, SQL Server keeps at most). */
function timeOf(date: TediousDate, digits: number): string {
  const clock = `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  if (digits <= 0) return clock;
  const ticks = date.getUTCMilliseconds() * 10_000 + Math.round((date.nanosecondsDelta ?? 0) * 1e7);
  return `${clock}.${pad(ticks, 7).slice(0, Math.min(digits, 7))}`;
}

function decimalText(value: number, scale: number, column: string): string {
  if (!Number.isFinite(value)) throw new InexactValueError(`column "${column}": ${value} is not a decimal value`);
  if (Math.abs(value) * 10 ** scale >= EXACT_LIMIT) {
    throw new InexactValueError(
      `column "${column}": a decimal of more than 15 significant digits (about ${value}) cannot be read exactly through the MS SQL Server driver; ` +
        'CAST it in the query (AS bigint for a whole number, or AS varchar(40) when it is not the cursor)',
    );
  }
  return value.toFixed(scale);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export type MssqlParameter = { type: 'varchar' | 'nvarchar'; length: number | 'max' } | null;

/**
 * How a bound value is declared. mssql declares every string nvarchar, and
 * SQL Server then converts a varchar column to nvarchar to compare it with
 * the parameter, which can turn an index seek into a scan (a tenant or key
 * column is often varchar). Text that is all ASCII reads the same in every
 * code page, so it is sent as varchar and the column keeps its index; other
 * text stays nvarchar. Fixed lengths keep one cached plan per pack query.
 * null: anything else, declared by mssql from the value.
 */
export function mssqlParameterOf(value: unknown): MssqlParameter {
  if (typeof value !== 'string') return null;
  if (/^[\x00-\x7f]*$/.test(value)) return { type: 'varchar', length: value.length <= 8000 ? 8000 : 'max' };
  return { type: 'nvarchar', length: value.length <= 4000 ? 4000 : 'max' };
}
