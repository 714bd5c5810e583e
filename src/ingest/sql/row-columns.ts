import { fail, ok, type Result } from '../../result.ts';
import { booleanOf, columnWithNul, instantOf, isZeroDate, numberOf, textOf } from './row-values.ts';
import type { SourceRow } from './sql-source.ts';

/**
 * Reads a row's columns into typed values by a small declaration, so every
 * entity's mapper rejects an unreadable cell with the same words
 * (`unparseable price "abc"`) and none of them repeats the checks. A column
 * the query does not return reads as null, as an empty cell does.
 */
export type ColumnType = 'text' | 'number' | 'boolean' | 'instant';
export interface ColumnSpec<T extends ColumnType = ColumnType> {
  column: string;
  type: T;
}
type ValueOf<T extends ColumnType> = T extends 'number' ? number : T extends 'boolean' ? boolean : string;
export type ColumnValues<S extends Record<string, ColumnSpec>> = { [K in keyof S]: ValueOf<S[K]['type']> | null };

export const text = (column: string): ColumnSpec<'text'> => ({ column, type: 'text' });
export const number = (column: string): ColumnSpec<'number'> => ({ column, type: 'number' });
export const boolean = (column: string): ColumnSpec<'boolean'> => ({ column, type: 'boolean' });
/** A date or date-time, kept as an ISO instant (UTC when the source gives no zone). */
export const instant = (column: string): ColumnSpec<'instant'> => ({ column, type: 'instant' });

const READERS: Record<ColumnType, (value: unknown) => unknown> = {
  text: textOf,
  number: numberOf,
  boolean: booleanOf,
  instant: instantOf,
};

export function readColumns<S extends Record<string, ColumnSpec>>(row: SourceRow, specs: S): Result<ColumnValues<S>, string> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = READERS[spec.type](row[spec.column]);
    if (value === undefined) return fail(`unparseable ${spec.column} "${String(row[spec.column]).trim().slice(0, 40)}"`);
    values[name] = value;
  }
  return ok(values as ColumnValues<S>);
}

/**
 * The row as an entity's mapper needs it: the first of `required` without a
 * value, or a NUL anywhere in the row (as for customers), rejects it before
 * any column is read.
 */
export function readRequiredColumns<S extends Record<string, ColumnSpec>, R extends keyof S>(
  row: SourceRow,
  specs: S,
  required: readonly R[],
): Result<ColumnValues<S> & { [K in R]: NonNullable<ColumnValues<S>[K]> }, string> {
  for (const name of required) {
    const spec = specs[name]!;
    const text = textOf(row[spec.column]);
    if (text === null) return fail(`missing ${spec.column}`);
    if (spec.type === 'instant' && isZeroDate(text)) return fail(`missing ${spec.column} ("${text}" is no date)`);
  }
  const withNul = columnWithNul(row);
  if (withNul !== undefined) return fail(`${withNul} contains a NUL character`);
  return readColumns(row, specs) as Result<ColumnValues<S> & { [K in R]: NonNullable<ColumnValues<S>[K]> }, string>;
}
