import type { Queryable } from './db.ts';

/**
 * Refreshes how a table's rows spread over the workspaces, for the tables
 * that have doubled since the planner last counted them (or were never
 * counted, once they hold 1,000 rows). PostgreSQL's autovacuum does this too,
 * but looks once a minute and waits for a tenth of the table to change: a
 * young store filling at thousands of events a second is meanwhile planned
 * as if each workspace held a few rows, and a join that wants a few index
 * lookups per batch hashes the whole workspace instead. Only workspace_id is
 * analysed (a small sample, see the migration), which is what those plans
 * got wrong; the rest is left to autovacuum. Returns the tables analysed.
 */
export async function analyzeGrownTables(db: Queryable): Promise<string[]> {
  const grown = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema() AND s.n_live_tup >= GREATEST(1000, 2 * c.reltuples)
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped)`,
  );
  const tables = grown.rows.map((r) => r.relname);
  for (const table of tables) await db.query(`ANALYZE "${table.replaceAll('"', '""')}" (workspace_id)`);
  return tables;
}

/** Runs analyzeGrownTables every `everyMs` until stopped; a failure (the store away) waits for the next turn. */
export function keepStatisticsFresh(db: Queryable, everyMs: number, onError: (error: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    // A turn still under way (the store slow or away) is not joined by another: no backlog builds up.
    running ??= analyzeGrownTables(db)
      .catch(onError)
      .finally(() => (running = null));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
