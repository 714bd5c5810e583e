import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Session, Store } from './db.ts';

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
  const asSession = (q: Pick<PGlite, 'query'>): Session => ({
    query: async (sql, params) => {
      const result = await q.query(sql, params as unknown[]);
      return { rows: result.rows as never };
    },
    // PGlite reads COPY data from a blob it names /dev/blob.
    copyInto: async (table, columns, text) => {
      await q.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([text]) });
    },
  });
  return {
    kind: 'pglite',
    ...asSession(db),
    transaction: (fn) => db.transaction((tx) => fn(asSession(tx))),
    close: () => db.close(),
  };
}
