import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { listRuns } from '../src/imports/import-state-table.ts';
import { parseImportJob } from '../src/imports/job-config.ts';
import { runImportJob } from '../src/imports/run-import-job.ts';
import type { Store } from '../src/store/db.ts';
import { openStore } from '../src/store/open-store.ts';
import { createPostgresSource, type SourceDatabase } from './support/sql-source-servers.ts';

// The default install keeps its data in the embedded PGlite: the import's
// cursor lock, run reports and pack transactions must work there too.
let dir: string;
let store: Store;
let source: SourceDatabase;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smartcom-pglite-'));
  [store, source] = await Promise.all([openStore({ dataDir: dir }), createPostgresSource()]);
});
after(async () => {
  await store?.close();
  await source?.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('an import by date into the embedded store: packs, resume after a failure, report', async () => {
  await source.exec(`CREATE TABLE customers (id int PRIMARY KEY, name text, changed timestamp NOT NULL)`);
  await source.exec(`INSERT INTO customers SELECT n, CONCAT('N', n), TIMESTAMP '2026-05-01 00:00:00' + (n / 4) * INTERVAL '1 minute' FROM (${source.numbers(1, 40)}) nums`);
  const parsed = parseImportJob({
    name: 'embedded',
    source: { name: 'shop', dialect: 'postgres', url: source.url },
    entity: 'customers',
    query: 'SELECT id AS local_id, name AS first_name, changed FROM customers WHERE changed >= {$last_date}',
    mode: 'date',
    cursorColumn: 'changed',
    packSize: 7,
  });
  assert.ok(parsed.ok);
  const real = source.open();
  let reads = 0;
  const failing = { ...real, query: (sql: string, params: readonly unknown[]) => (++reads === 3 ? Promise.reject(new Error('source went away')) : real.query(sql, params)) };
  const broken = await runImportJob(parsed.value, { store, source: failing });
  assert.deepEqual([broken.status, broken.rowsStored], ['failed', 14]);
  const resumed = await runImportJob(parsed.value, { store, source: real });
  await real.close();
  assert.deepEqual([resumed.status, resumed.rowsRead, resumed.rowsStored], ['succeeded', 26, 26]);
  const profiles = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM customers WHERE workspace_id = 'default' AND customer_key LIKE 'sql:shop:%'");
  assert.equal(profiles.rows[0]!.n, 40);
  assert.deepEqual((await listRuns(store, 'default', { limit: 5 })).map((r) => r.status), ['succeeded', 'failed']);
});
