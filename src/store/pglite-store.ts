import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Queryable, Store } from './db.ts';

/**
 * The embedded default store: a file-backed PGlite (PostgreSQL compiled to
 * WebAssembly) so the service runs with nothing else installed. It is
 * single-process: the CLI and the service must not open the same directory
 * at once, which openStore() guards with a lock file.
 */
export async function openPgliteStore(dataDir: string): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  await db.exec("SET TIME ZONE 'UTC'");
  const asQueryable = (q: Pick<PGlite, 'query'>): Queryable => ({
    query: async (sql, params) => {
      const result = await q.query(sql, params as unknown[]);
      return { rows: result.rows as never };
    },
  });
  return {
    kind: 'pglite',
    query: asQueryable(db).query,
    transaction: (fn) => db.transaction((tx) => fn(asQueryable(tx))),
    close: () => db.close(),
  };
}
