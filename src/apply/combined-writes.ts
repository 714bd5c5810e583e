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
  const params = [workspaceId, ...present.map((w) => JSON.stringify(w.rows))];
  const sql =
    present.length === 1
      ? present[0]!.statement('$2')
      : `WITH ${present.map((w, i) => `w${i} AS (${w.statement(`$${i + 2}`)})`).join(',\n')}\nSELECT 1`;
  await tx.query(sql, params);
}
