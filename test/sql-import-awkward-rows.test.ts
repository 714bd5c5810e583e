import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseImportJob, type ImportJob } from '../src/imports/job-config.ts';
import { runImportJob } from '../src/imports/run-import-job.ts';
import type { Store } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { createMariadbSource, type SourceDatabase } from './support/sql-source-servers.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

// Rows a real MySQL / MariaDB table can hold that the store cannot keep as
// they are, and edits that bring content back: each row lands or is rejected
// with its reason; none stops the run on every later run.
let storeDb: TestDatabase;
let store: Store;
let source: SourceDatabase;
before(async () => {
  [storeDb, source] = await Promise.all([createTestDatabase(), createMariadbSource()]);
  store = openPostgresStore(storeDb.url, 2);
  await migrate(store);
  await createWorkspace(store, 'awkward');
});
after(async () => {
  await store?.close();
  await source?.drop();
  await storeDb?.drop();
});

let jobs = 0;
function job(fields: Partial<ImportJob> & { query: string; entity: ImportJob['entity']; mode: 'id' | 'date'; cursorColumn: string }): ImportJob {
  const parsed = parseImportJob({ name: `j${++jobs}`, workspace: 'awkward', source: { name: 'shop', dialect: 'mysql', url: source.url }, ...fields });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
  return parsed.value;
}
async function run(j: ImportJob) {
  const s = source.open();
  try {
    return await runImportJob(j, { store, source: s });
  } finally {
    await s.close();
  }
}

test('a NUL in the key, a binary cell and a BIT(1) flag: rows rejected with reasons or read, the run goes on', async () => {
  await source.exec('CREATE TABLE goods (id varchar(20) PRIMARY KEY, seq int NOT NULL, name varchar(50), flag bit(1), code varbinary(8))');
  await source.exec(`INSERT INTO goods VALUES ('p1', 1, 'Tea', b'1', NULL), (CONCAT('p', CHAR(0)), 2, 'Nul', b'0', NULL), ('p3', 3, 'Bin', b'0', 0x610062), ('p4', 4, 'Jam', b'0', NULL)`);
  const j = job({ entity: 'products', query: 'SELECT id AS local_id, seq, name, flag AS available FROM goods WHERE seq > {$last_id}', mode: 'id', cursorColumn: 'seq', keyColumn: 'local_id' });
  const first = await run(j);
  assert.equal(first.status, 'succeeded', first.error ?? '');
  assert.deepEqual([first.rowsRead, first.rowsStored, first.rowsRejected], [4, 3, 1]);
  assert.deepEqual(first.rejections, [{ key: 'p\\0', reason: 'local_id contains a NUL character (the store cannot keep it)' }]);
  const flags = await store.query<{ local_id: string; available: boolean }>("SELECT local_id, available FROM catalog_products WHERE workspace_id = 'awkward' ORDER BY local_id");
  assert.deepEqual(flags.rows.map((r) => [r.local_id, r.available]), [['p1', true], ['p3', false], ['p4', false]]);

  const withBinary = job({ entity: 'products', query: 'SELECT id AS local_id, seq, name, code AS barcode FROM goods WHERE seq > {$last_id}', mode: 'id', cursorColumn: 'seq', keyColumn: 'local_id' });
  const second = await run(withBinary);
  assert.equal(second.status, 'succeeded', second.error ?? '');
  assert.deepEqual(second.rejections.map((r) => r.reason).sort(), ['barcode is binary; cast it to text in the query', 'local_id contains a NUL character (the store cannot keep it)']);
});

test('by date, an edit that brings back earlier content (a → b → a) is applied', async () => {
  await source.exec('CREATE TABLE people (id int PRIMARY KEY, email varchar(50), changed datetime(6) NOT NULL)');
  await source.exec("INSERT INTO people VALUES (1, 'a@example.com', '2026-01-01 00:00:00')");
  const j = job({ entity: 'customers', query: 'SELECT id AS local_id, email, changed FROM people WHERE changed >= {$last_date}', mode: 'date', cursorColumn: 'changed' });
  const email = async () =>
    (await store.query<{ value: string }>("SELECT value FROM profile_fields WHERE workspace_id = 'awkward' AND customer_key = 'sql:shop:1' AND name = 'email'")).rows[0]?.value;
  await run(j);
  assert.equal(await email(), 'a@example.com');
  await source.exec("UPDATE people SET email = 'b@example.com', changed = '2026-01-02 00:00:00' WHERE id = 1");
  await run(j);
  assert.equal(await email(), 'b@example.com');
  await source.exec("UPDATE people SET email = 'a@example.com', changed = '2026-01-03 00:00:00' WHERE id = 1");
  const third = await run(j);
  assert.deepEqual([third.rowsStored, third.rowsUnchanged], [1, 0]);
  assert.equal(await email(), 'a@example.com');
  // The same version read again (a re-run from the start) changes nothing.
  const again = await run(job({ entity: 'customers', query: 'SELECT id AS local_id, email, changed FROM people WHERE changed >= {$last_date}', mode: 'date', cursorColumn: 'changed' }));
  assert.deepEqual([again.rowsStored, again.rowsUnchanged], [0, 1]);
});

test('a run asked to stop (the service shutting down) stops after the pack in hand; the next run resumes after it', async () => {
  await source.exec('CREATE TABLE many (id int PRIMARY KEY, email varchar(50))');
  await source.exec("INSERT INTO many SELECT seq, CONCAT('m', seq, '@example.com') FROM seq_1_to_50");
  const j = job({ entity: 'customers', query: 'SELECT id AS local_id, email FROM many WHERE id > {$last_id}', mode: 'id', cursorColumn: 'local_id', packSize: 10 });
  const stop = new AbortController();
  const s = source.open();
  let stopped;
  try {
    stopped = await runImportJob(j, { store, source: s, signal: stop.signal, onPack: (p) => p.packs === 2 && stop.abort() });
  } finally {
    await s.close();
  }
  assert.deepEqual([stopped.status, stopped.rowsStored, stopped.cursor?.value], ['stopped', 20, '20']);
  assert.match(stopped.error ?? '', /stopped between packs/);
  const resumed = await run(j);
  assert.deepEqual([resumed.status, resumed.rowsRead, resumed.rowsStored], ['succeeded', 30, 30]);
});

test('an e-mail emptied in the source is cleared from the profile and from lookups', async () => {
  await source.exec('CREATE TABLE contacts (id int PRIMARY KEY, email varchar(50), changed datetime(6) NOT NULL)');
  await source.exec("INSERT INTO contacts VALUES (101, 'gone@example.com', '2026-01-01 00:00:00')");
  const j = job({ entity: 'customers', query: 'SELECT id AS local_id, email, changed FROM contacts WHERE changed >= {$last_date}', mode: 'date', cursorColumn: 'changed' });
  const found = async () =>
    (await store.query<{ customer_key: string }>("SELECT customer_key FROM customer_identifiers WHERE workspace_id = 'awkward' AND kind = 'email' AND lookup_value = 'gone@example.com'")).rows.length;
  await run(j);
  assert.equal(await found(), 1);
  await source.exec("UPDATE contacts SET email = NULL, changed = '2026-01-02 00:00:00' WHERE id = 101");
  await run(j);
  assert.equal(await found(), 0, 'the old address no longer finds the profile');
  const field = await store.query<{ value: string | null }>("SELECT value FROM profile_fields WHERE workspace_id = 'awkward' AND customer_key = 'sql:shop:101' AND name = 'email'");
  assert.equal(field.rows.length, 1);
  assert.equal(field.rows[0]!.value, null);
});
