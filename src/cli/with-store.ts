import type { Config } from '../config/config.ts';
import type { Store } from '../store/db.ts';
import { openStore } from '../store/open-store.ts';

/** Runs a command's work on the configured store (migrated), closing it whatever happens. */
export async function withStore<T>(config: () => Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config());
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
