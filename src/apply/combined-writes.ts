import type { Queryable } from '../store/db.ts';

/**
 * One write to one table: its statement, given the placeholder of its rows
 * (a JSON array; the workspace id is always $1), and the rows.
 */
export interface TableWrite {
  statement(rowsParam: string): string;
  rows: readonly unknown[];
}

/**
 * Runs several independent table writes as one statement (data-modifying
 * CTEs), in one round trip: a batch of webhook events touches a dozen small
 * tables, and a round trip each cost more than the writes themselves. The
 * writes must not depend on each other's effects (they all see the
 * statement's snapshot), and two writes to one table must not touch the
 * same row (PostgreSQL would apply only one of them).
 */
export async function runWrites(tx: Queryable, workspaceId: string, writes: readonly TableWrite[]): Promise<void> {
  const present = writes.filter((w) => w.rows.length > 0);
  if (present.length === 0) return;
  // Writes over the very same rows share one parameter: it is built and sent once.
  const params: unknown[] = [workspaceId];
  const placeholders = new Map<readonly unknown[], string>();
  const placeholderOf = (rows: readonly unknown[]) => {
    let placeholder = placeholders.get(rows);
    if (!placeholder) {
      params.push(JSON.stringify(rows));
      placeholder = `$${params.length}`;
      placeholders.set(rows, placeholder);
    }
    return placeholder;
  };
  const statements = present.map((w) => w.statement(placeholderOf(w.rows)));
  const sql = statements.length === 1 ? statements[0]! : `WITH ${statements.map((statement, i) => `w${i} AS (${statement})`).join(',\n')}\nSELECT 1`;
  await tx.query(sql, params);
}
