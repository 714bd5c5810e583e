import { after, before } from 'node:test';
import type { Store } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import { createWorkspace } from '../../src/workspaces/workspaces.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/**
 * A migrated store on a fresh PostgreSQL database for the tests of one file,
 * with the given workspaces, dropped after them. Returns a getter: the store
 * exists once `before` has run.
 */
export function useTestStore(...workspaces: string[]): () => Store {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  before(async () => {
    db = await createTestDatabase();
    store = openPostgresStore(db.url, 2);
    await migrate(store);
    for (const workspace of workspaces) await createWorkspace(store, workspace);
  });
  after(async () => {
    await store?.close();
    await db?.drop();
  });
  return () => {
    if (!store) throw new Error('the test store is used before its before() hook ran');
    return store;
  };
}
