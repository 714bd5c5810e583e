import { after, before } from 'node:test';
import type { Store } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import { createWorkspace } from '../../src/workspaces/workspaces.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/**
 * A migrated store on a fresh PostgreSQL database for the tests of one file,
 * with the given workspaces, dropped after them. Returns a getter: the store
 * exists once `before` has run. A file's own before() hook awaits `ready()`:
 * node 20 starts top-level before() hooks without waiting for earlier ones.
 */
export function useTestStore(...workspaces: string[]): (() => Store) & { ready(): Promise<Store> } {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  let settle: { resolve(value: Store): void; reject(error: unknown): void };
  const ready = new Promise<Store>((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => {}); // a failed set-up is reported by its own hook; ready() only passes it on
  before(async () => {
    try {
      db = await createTestDatabase();
      store = openPostgresStore(db.url, 2);
      await migrate(store);
      for (const workspace of workspaces) await createWorkspace(store, workspace);
      settle.resolve(store);
    } catch (error) {
      settle.reject(error);
      throw error;
    }
  });
  after(async () => {
    await store?.close();
    await db?.drop();
  });
  const current = () => {
    if (!store) throw new Error('the test store is used before its before() hook ran');
    return store;
  };
  return Object.assign(current, { ready: () => ready });
}
