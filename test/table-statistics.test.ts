import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeGrownTables } from '../src/store/table-statistics.ts';
import { useTestStore } from './support/test-store.ts';

const testStore = useTestStore('stats');

test("a table that grew past its planner statistics is counted again (its workspaces' share), once per doubling", { timeout: 60_000 }, async () => {
  const store = testStore();
  const fill = (from: number, to: number) =>
    store.query(
      `INSERT INTO customers (workspace_id, customer_key, source, external_id, first_seen_at)
       SELECT 'stats', 'loymax:' || g, 'loymax', g::text, now() FROM generate_series($1::int, $2::int) g`,
      [from, to],
    );
  await fill(1, 2500);
  assert.ok(await analyzedWithin(store, 20_000));
  const stats = await store.query<{ most_common_vals: string }>("SELECT most_common_vals::text FROM pg_stats WHERE tablename = 'customers' AND attname = 'workspace_id'");
  assert.equal(stats.rows[0]?.most_common_vals, '{stats}');
  assert.ok(!(await analyzeGrownTables(store)).includes('customers'), 'not counted again before it has doubled');

  await fill(2501, 5200);
  assert.ok(await analyzedWithin(store, 20_000));
});

// A backend's row counts reach the statistics views some time after its commit (PostgreSQL batches them).
async function analyzedWithin(store: ReturnType<typeof testStore>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await analyzeGrownTables(store)).includes('customers')) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
