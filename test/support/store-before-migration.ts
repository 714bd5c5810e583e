import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Store } from '../../src/store/db.ts';
import { migrate, MIGRATIONS_DIR } from '../../src/store/migrate.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import { createTestDatabase } from './test-database.ts';

/**
 * A store on a fresh database as an older release left it: every migration
 * before `migration` applied, none from it on. The test writes rows in the
 * old shape, then runs migrate() as an upgrade would. Dropped after the test.
 */
export async function storeBeforeMigration(t: TestContext, migration: string): Promise<Store> {
  const older = mkdtempSync(join(tmpdir(), 'smartcom-migrations-'));
  const db = await createTestDatabase();
  const store = openPostgresStore(db.url, 2);
  t.after(async () => {
    await store.close();
    await db.drop();
    rmSync(older, { recursive: true, force: true });
  });
  for (const file of readdirSync(MIGRATIONS_DIR)) if (file < migration) cpSync(join(MIGRATIONS_DIR, file), join(older, file));
  await migrate(store, older);
  return store;
}
