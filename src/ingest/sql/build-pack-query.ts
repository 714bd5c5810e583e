import type { SqlDialect } from './sql-source.ts';
import { withoutTrailingTerminator } from './trailing-terminator.ts';

/**
 * Turns the user's SELECT into the parameterised query that reads one pack.
 *
 * The user's query keeps its cursor placeholder (`{$last_id}`, `{$last_date}`
 * or `{$cursor}`) where they want it, so the source can use its index there;
 * the placeholder becomes a bound parameter, never pasted text. smartcom
 * wraps the query to add what correctness needs whatever the user wrote: the
 * exact cursor condition, the tenant filter, the order and the pack size.
 *
 * By date, several rows can share one cursor value, so the cursor is the
 * pair (cursor value, key) and the next pack starts strictly after it:
 * `c > v OR (c = v AND k > key)`. Rows sharing the boundary value are neither
 * lost nor read twice, however many there are. The user's placeholder must
 * then admit the boundary value (`>=`), which checkPlaceholders enforces.
 */

export const PLACEHOLDER = /\{\$(?:last_id|last_date|cursor)\}/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export type BatchMode = 'id' | 'date';

export interface PackQuerySpec {
  dialect: SqlDialect;
  /** The user's SELECT, without ORDER BY or LIMIT. */
  query: string;
  mode: BatchMode;
  cursorColumn: string;
  /** By date: the unique column that orders rows sharing one cursor value. */
  keyColumn: string;
  tenant?: { column: string; value: string } | undefined;
  packSize: number;
}

export interface PackCursor {
  value: string;
  /** The key of the last row read at `value` (by date only). */
  key: string | null;
}

export interface BoundQuery {
  sql: string;
  params: unknown[];
}

/** Problems with a spec that would make reads wrong or unsafe; empty when fine. */
export function checkPackQuerySpec(spec: PackQuerySpec): string[] {
  const problems: string[] = [];
  for (const [what, name] of [['cursorColumn', spec.cursorColumn], ['keyColumn', spec.keyColumn], ['tenant.column', spec.tenant?.column]] as const) {
    if (name !== undefined && !IDENTIFIER.test(name)) problems.push(`${what} "${name}" must be a plain column name (letters, digits, _)`);
  }
  if (!Number.isInteger(spec.packSize) || spec.packSize < 1) problems.push('packSize must be a positive integer');
  const operators = [...spec.query.matchAll(/(>=|>|<=|<|=|<>|!=)?\s*\{\$(?:last_id|last_date|cursor)\}/g)].map((m) => m[1] ?? '');
  if (operators.length === 0) problems.push('the query needs a cursor placeholder: {$last_id}, {$last_date} or {$cursor}');
  if (/['"`]\{\$(?:last_id|last_date|cursor)\}|\{\$(?:last_id|last_date|cursor)\}['"`]/.test(spec.query)) {
    problems.push('do not quote the placeholder: it becomes a bound parameter, not text');
  }
  if (spec.mode === 'date' && operators.some((op) => op !== '>=')) {
    problems.push('by date the placeholder must follow ">=" (e.g. updated_at >= {$last_date}): rows sharing the last value are read again and skipped by key, never lost');
  }
  if (/\b(limit|offset|fetch\s+first|fetch\s+next)\b/i.test(stripLiterals(spec.query)) || /\border\s+by\b\s*[^)]*$/i.test(stripLiterals(spec.query))) {
    problems.push('leave ORDER BY and LIMIT out of the query: smartcom orders by the cursor and sizes the packs');
  }
  return problems;
}

/**
 * The pack query after `cursor` (null: the first run, reading from `startFrom`).
 * Parameters are numbered in order of appearance for every dialect.
 */
export function buildPackQuery(spec: PackQuerySpec, cursor: PackCursor | null, startFrom: string): BoundQuery {
  const { from, params } = rowsAfter(spec, cursor, startFrom);
  // Oracle: the connector may project a DATE / TIMESTAMP column as its exact
  // text under the same name (oracle-values.ts), and an unqualified ORDER BY
  // name resolves to a select-list alias first: it would sort the text. The
  // qualified name always means the derived table's own (typed) column.
  const by = (column: string) => (spec.dialect === 'oracle' ? `smartcom_src.${column}` : column);
  const order = spec.mode === 'date' && spec.keyColumn !== spec.cursorColumn ? `${by(spec.cursorColumn)}, ${by(spec.keyColumn)}` : by(spec.cursorColumn);
  return { sql: limited(spec.dialect, `SELECT * ${from} ORDER BY ${order}`, spec.packSize), params };
}

/** How many rows the packs after `cursor` hold together (one column, one row): for a progress bar's total. */
export function buildCountQuery(spec: PackQuerySpec, cursor: PackCursor | null, startFrom: string): BoundQuery {
  const { from, params } = rowsAfter(spec, cursor, startFrom);
  return { sql: `SELECT count(*) AS remaining ${from}`, params };
}

/** FROM and WHERE of the rows after `cursor`: the user's query, the exact cursor condition, the tenant filter. */
function rowsAfter(spec: PackQuerySpec, cursor: PackCursor | null, startFrom: string): { from: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return placeholderOf(spec.dialect, params.length);
  };
  // The query is wrapped: a trailing ";" (the seed's example ends with one)
  // would end the statement inside the parentheses, so it goes, even before
  // a comment; and a trailing line comment ("-- note", MySQL's "# note")
  // would comment out the closing one, so that always has a line of its own.
  const inner = withoutTrailingTerminator(spec.query, spec.dialect).trimEnd().replace(PLACEHOLDER, () => param(cursor?.value ?? startFrom));
  const close = '\n)';
  const c = spec.cursorColumn;
  const conditions: string[] = [];
  if (cursor) {
    const byKey = spec.mode === 'date' && cursor.key !== null;
    conditions.push(byKey ? `(${c} > ${param(cursor.value)} OR (${c} = ${param(cursor.value)} AND ${spec.keyColumn} > ${param(cursor.key)}))` : `${c} > ${param(cursor.value)}`);
  }
  if (spec.tenant) conditions.push(`${spec.tenant.column} = ${param(spec.tenant.value)}`);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return { from: `FROM (${inner}${close} smartcom_src${where}`, params };
}

function placeholderOf(dialect: SqlDialect, n: number): string {
  switch (dialect) {
    case 'postgres':
      return `$${n}`;
    case 'mysql':
      return '?';
    case 'mssql':
      return `@p${n}`;
    case 'oracle':
      return `:${n}`;
  }
}

// The pack size is a validated integer, so it is part of the text (MySQL
// prepared statements do not take LIMIT as a parameter everywhere).
function limited(dialect: SqlDialect, sql: string, packSize: number): string {
  const n = Math.trunc(packSize);
  switch (dialect) {
    case 'postgres':
    case 'mysql':
      return `${sql} LIMIT ${n}`;
    case 'mssql':
      return `${sql} OFFSET 0 ROWS FETCH NEXT ${n} ROWS ONLY`;
    case 'oracle':
      return `${sql} FETCH FIRST ${n} ROWS ONLY`;
  }
}

/** The query text without string literals, so a word inside quotes is not taken for a clause. */
function stripLiterals(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"/g, "''");
}
