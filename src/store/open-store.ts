import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Store } from './db.ts';
import { openPostgresStore } from './postgres-store.ts';
import { openPgliteStore } from './pglite-store.ts';
import { migrate } from './migrate.ts';

export class StoreInUseError extends Error {}

/** Opens the configured store and brings its schema up to date. */
export async function openStore(options: { databaseUrl?: string | undefined; dataDir: string; poolSize?: number }): Promise<Store> {
  const store = options.databaseUrl
    ? openPostgresStore(options.databaseUrl, options.poolSize)
    : await openLockedPglite(resolve(options.dataDir, 'pglite'));
  await migrate(store);
  return store;
}

async function openLockedPglite(dir: string): Promise<Store> {
  mkdirSync(dir, { recursive: true });
  const lockFile = join(dir, 'smartcom.lock');
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new StoreInUseError(
        `the embedded store in ${dir} is in use by process ${pid}; stop it first, or set DATABASE_URL to share a PostgreSQL server`,
      );
    }
  }
  writeFileSync(lockFile, String(process.pid));
  const store = await openPgliteStore(dir);
  return {
    ...store,
    close: async () => {
      await store.close();
      rmSync(lockFile, { force: true });
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
