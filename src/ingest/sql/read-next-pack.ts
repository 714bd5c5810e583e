import { buildCountQuery, buildPackQuery, type PackCursor, type PackQuerySpec } from './build-pack-query.ts';
import type { SourceRow, SqlSource } from './sql-source.ts';

export interface Pack {
  rows: SourceRow[];
  /** The cursor after this pack (unchanged when the pack is empty). */
  cursor: PackCursor | null;
  /** Fewer rows than the pack size: the source has nothing more for now. */
  last: boolean;
}

export class CursorColumnMissingError extends Error {}

/** Reads the pack after `cursor` and says where the next one starts. */
export async function readNextPack(source: SqlSource, spec: PackQuerySpec, cursor: PackCursor | null, startFrom: string): Promise<Pack> {
  const query = buildPackQuery(spec, cursor, startFrom);
  const rows = await source.query(query.sql, query.params);
  return { rows, cursor: cursorAfter(spec, rows, cursor), last: rows.length < spec.packSize };
}

/** How many rows are left after `cursor` (one count on the source: a progress bar's total). */
export async function countRowsAfter(source: SqlSource, spec: PackQuerySpec, cursor: PackCursor | null, startFrom: string): Promise<number> {
  const query = buildCountQuery(spec, cursor, startFrom);
  const [row] = await source.query(query.sql, query.params);
  // Drivers differ in the column's case (Oracle: REMAINING) and type (text, number, bigint).
  const remaining = Number(row ? Object.values(row)[0] : Number.NaN);
  if (!Number.isFinite(remaining)) throw new Error('the source answered the row count with no number');
  return remaining;
}

/**
 * The cursor after a pack: its last row's cursor value (and, by date, its
 * key). A row without a cursor value cannot be placed after anything, so it
 * stops the run rather than silently restarting from the beginning.
 */
export function cursorAfter(spec: PackQuerySpec, rows: readonly SourceRow[], before: PackCursor | null): PackCursor | null {
  const lastRow = rows[rows.length - 1];
  if (!lastRow) return before;
  const value = textOf(lastRow[spec.cursorColumn]);
  if (value === null) throw new CursorColumnMissingError(`the query's rows have no value in the cursor column "${spec.cursorColumn}"`);
  // The store cannot keep such a cursor; say so rather than fail the pack's transaction on every run.
  if (value.includes('\u0000')) throw new CursorColumnMissingError(`a cursor value in "${spec.cursorColumn}" holds a NUL character; the cursor column must be a number, a date or plain text`);
  if (spec.mode === 'id') return { value, key: null };
  const key = textOf(lastRow[spec.keyColumn]);
  if (key === null) throw new CursorColumnMissingError(`by date every row needs a value in the key column "${spec.keyColumn}"`);
  return { value, key };
}

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
