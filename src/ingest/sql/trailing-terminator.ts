import type { SqlDialect } from './sql-source.ts';

/**
 * The user's query without the statement terminator it may end with: a ";"
 * followed by nothing but blanks and comments (`SELECT ...; -- members`).
 * Wrapped in parentheses, that ";" would end the statement inside them.
 * Literals, quoted names and comments are skipped while looking for it, so a
 * ";" inside `'a; b'` or `-- x; y` is left alone. What follows the removed
 * ";" stays: a trailing line comment is harmless, since the wrapping closes
 * on a line of its own.
 */
export function withoutTrailingTerminator(query: string, dialect: SqlDialect): string {
  let result = query;
  for (;;) {
    const last = lastSignificant(result, dialect);
    if (last === -1 || result[last] !== ';') return result;
    result = result.slice(0, last) + result.slice(last + 1);
  }
}

/** Index of the last character outside blanks and comments (-1 when none). */
function lastSignificant(sql: string, dialect: SqlDialect): number {
  // Backslash escapes a quote inside MySQL's literals; the others double it.
  const backslashEscapes = dialect === 'mysql';
  let last = -1;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-' && (dialect !== 'mysql' || isCommentGap(sql[i + 2]))) {
      // MySQL: "--" opens a comment only before a blank (1--1 is 1 minus -1)
      i = endOfLine(sql, i);
    } else if (ch === '$' && dialect === 'postgres' && DOLLAR_TAG.test(sql.slice(i))) {
      const tag = DOLLAR_TAG.exec(sql.slice(i))![0];
      const close = sql.indexOf(tag, i + tag.length);
      const end = close === -1 ? sql.length : close + tag.length;
      last = end - 1;
      i = end;
    } else if (ch === '#' && dialect === 'mysql') {
      i = endOfLine(sql, i);
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
    } else if (ch === "'" || ch === '"' || (ch === '`' && dialect === 'mysql') || (ch === '[' && dialect === 'mssql')) {
      // PostgreSQL's E'...' takes backslash escapes too; a MySQL `name` never does.
      const escapes = ch === '`' ? false : backslashEscapes || (dialect === 'postgres' && ch === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/\w/.test(sql[i - 2] ?? ''));
      const end = endOfQuoted(sql, i, ch === '[' ? ']' : ch, escapes);
      last = end - 1;
      i = end;
    } else {
      if (!/\s/.test(ch)) last = i;
      i += 1;
    }
  }
  return last;
}

// A PostgreSQL dollar quote's opening tag: $$ or $name$.
const DOLLAR_TAG = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/;

const isCommentGap = (ch: string | undefined): boolean => ch === undefined || /\s/.test(ch);

function endOfLine(sql: string, from: number): number {
  const newline = sql.indexOf('\n', from);
  return newline === -1 ? sql.length : newline + 1;
}

/** The index just past the quoted text opened at `open` (its doubled closers are part of it). */
function endOfQuoted(sql: string, open: number, closer: string, backslashEscapes: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') {
      i += 2;
    } else if (sql[i] === closer) {
      if (sql[i + 1] !== closer) return i + 1;
      i += 2;
    } else {
      i += 1;
    }
  }
  return sql.length;
}
