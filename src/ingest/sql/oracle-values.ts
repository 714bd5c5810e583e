import type { SourceRow } from './sql-source.ts';

/**
 * Oracle values as exact text, so a stored cursor binds back to exactly the
 * value read (as the PostgreSQL and MySQL connectors do).
 *
 * node-oracledb's Thin mode decodes DATE and TIMESTAMP into JS Dates itself:
 * in the process's time zone (a wall-clock time in a daylight-saving gap
 * moves by an hour) and cut to milliseconds (TIMESTAMP keeps microseconds or
 * more). Asking it for a string does not help: Thin mode makes that string
 * from the Date (`Date.toString()`), not with the session's NLS formats. So
 * the database writes the text: the connector asks for the pack's column
 * types once (a parse, no execution) and reads each date-time column as
 * TO_CHAR(column, format), with the digits its type has. A cut value would
 * not only re-read rows: a bulk update gives thousands of rows one timestamp
 * with microseconds, and a cursor cut below it would read the same pack
 * forever.
 *
 * NUMBER is fetched as text (Thin mode decodes it exactly as a string).
 * The session formats below make the text bind back: Oracle converts a text
 * parameter compared with a DATE, TIMESTAMP or NUMBER column with them.
 */
export const ORACLE_SESSION_SETTINGS = [
  "NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS'",
  "NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF'",
  "NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FFTZH:TZM'",
  // '.' as the decimal mark, whatever the database's territory: '12.5' binds back to 12.5.
  "NLS_NUMERIC_CHARACTERS = '.,'",
  // ORDER BY sorts text with NLS_SORT but `>` compares it with NLS_COMP; a
  // linguistic sort (the default for e.g. a RUSSIAN or GERMAN database) would
  // disagree with the comparison, and keyset packs would skip rows.
  "NLS_SORT = 'BINARY'",
  "NLS_COMP = 'BINARY'",
  // TIMESTAMP WITH LOCAL TIME ZONE is shown and read in the session's zone: a fixed one has no gaps.
  "TIME_ZONE = '+00:00'",
];
export const ORACLE_SESSION_SQL = `ALTER SESSION SET ${ORACLE_SESSION_SETTINGS.join(' ')}`;

export interface OracleColumn {
  name: string;
  /** node-oracledb's DbType name: 'DB_TYPE_DATE', 'DB_TYPE_TIMESTAMP_TZ', … */
  dbType: string;
  /** Fractional-second digits of a TIMESTAMP type. */
  precision?: number | undefined;
}

/** The TO_CHAR format that writes a date-time column's every digit; null for other types. */
export function exactTextFormat(column: OracleColumn): string | null {
  const fraction = (digits: number | undefined) => (digits === undefined ? '.FF' : digits > 0 ? `.FF${Math.min(digits, 9)}` : '');
  switch (column.dbType) {
    case 'DB_TYPE_DATE':
      return 'YYYY-MM-DD HH24:MI:SS';
    case 'DB_TYPE_TIMESTAMP':
    case 'DB_TYPE_TIMESTAMP_LTZ':
      return `YYYY-MM-DD HH24:MI:SS${fraction(column.precision)}`;
    case 'DB_TYPE_TIMESTAMP_TZ':
      // At least one digit, so the zone never follows the seconds directly (the session format expects ".FF" first).
      return `YYYY-MM-DD HH24:MI:SS${fraction(column.precision === 0 ? 1 : column.precision)}TZH:TZM`;
    default:
      return null;
  }
}

const PACK_SELECT = /^SELECT \* FROM \(/;

/**
 * The query that reads `sql`'s rows with its date-time columns as exact text.
 * A pack query (build-pack-query.ts: `SELECT * FROM (…) smartcom_src … ORDER
 * BY smartcom_src.… FETCH FIRST …`) gets the conversions in place of its `*`,
 * so they sit beside its own ORDER BY, which names the typed columns. Any
 * other query is wrapped.
 */
export function exactTemporalQuery(sql: string, columns: readonly OracleColumn[]): string {
  if (!columns.some((column) => exactTextFormat(column) !== null)) return sql;
  const list = columns
    .map((column) => {
      const format = exactTextFormat(column);
      const name = `"${column.name}"`;
      return format === null ? name : `TO_CHAR(${name}, '${format}') AS ${name}`;
    })
    .join(', ');
  return PACK_SELECT.test(sql) ? sql.replace(PACK_SELECT, `SELECT ${list} FROM (`) : `SELECT ${list} FROM (${sql}) smartcom_exact`;
}

/** Thin mode writes NUMBER text without a leading zero ('.5'); the usual form reads better in reports and binds the same. */
export function oracleNumberText(text: string | null): string | null {
  if (text === null) return null;
  return text.replace(/^(-?)\./, '$10.');
}

/**
 * Oracle folds unquoted names to upper case (`AS local_id` is LOCAL_ID); the
 * standard columns and the job's cursor and key are lower case, so rows come
 * back with lower-case names. Two columns that differ only by case cannot.
 */
export function lowerCaseRow(row: Record<string, unknown>): SourceRow {
  const lower: SourceRow = {};
  for (const [name, value] of Object.entries(row)) {
    const key = name.toLowerCase();
    if (Object.hasOwn(lower, key)) throw new Error(`the query returns two columns named "${key}" (in any case); rename one`);
    lower[key] = value;
  }
  return lower;
}
