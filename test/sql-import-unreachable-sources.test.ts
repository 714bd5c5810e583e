import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import pino from 'pino';
import { after, before, test } from 'node:test';
import { listRuns, readCursor } from '../src/imports/import-state-table.ts';
import { parseImportJob } from '../src/imports/job-config.ts';
import { runImportJob } from '../src/imports/run-import-job.ts';
import { startImportScheduler } from '../src/imports/schedule-import-jobs.ts';
import { openSqlSource } from '../src/ingest/sql/open-sql-source.ts';
import type { SqlSource } from '../src/ingest/sql/sql-source.ts';
import type { Store } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { freePort } from './support/free-port.ts';
import { waitFor } from './support/wait-for.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

// Issue 4: the MS SQL Server and Oracle connectors have no server on this
// machine, so their SQL and value handling are unit-tested beside the code.
// What can be shown for real is how they fail: a source that is down (a
// closed port) or that never answers (a listener that stays silent) makes
// the read fail soon with a clear error, never hang or crash the process, and
// a run against it leaves a 'failed' report with that error.

const CONNECTORS = [
  { dialect: 'mssql', url: (port: number, options = '') => `mssql://reader:pw@127.0.0.1:${port}/crm${options}`, says: /^MS SQL Server source: Failed to connect to 127\.0\.0\.1:\d+/ },
  { dialect: 'oracle', url: (port: number, options = '') => `oracle://reader:pw@127.0.0.1:${port}/CRM${options}`, says: /^Oracle source: NJS-5\d\d: connection to host 127\.0\.0\.1 port \d+/ },
] as const;
const PACK = 'SELECT * FROM (SELECT 1 AS local_id) smartcom_src';

let storeDb: TestDatabase;
let store: Store;
const uncaught: unknown[] = [];
const noteUncaught = (error: unknown) => void uncaught.push(error);
before(async () => {
  process.on('uncaughtException', noteUncaught);
  process.on('unhandledRejection', noteUncaught);
  storeDb = await createTestDatabase();
  store = openPostgresStore(storeDb.url, 2);
  await migrate(store);
});
after(async () => {
  process.off('uncaughtException', noteUncaught);
  process.off('unhandledRejection', noteUncaught);
  await store?.close();
  await storeDb?.drop();
});

/** A server that accepts connections and never says a word. */
async function silentListener(): Promise<{ port: number; sockets: Set<Socket>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  return {
    port: (silent.address() as { port: number }).port,
    sockets,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    },
  };
}

/** How long `work` took, and what it rejected with (it must reject). */
async function rejection(work: () => Promise<unknown>): Promise<{ ms: number; error: Error }> {
  const started = Date.now();
  try {
    await work();
  } catch (error) {
    return { ms: Date.now() - started, error: error as Error };
  }
  assert.fail('expected the read to fail');
}

for (const connector of CONNECTORS) {
  test(`${connector.dialect}: a source on a closed port rejects each read at once with a clear error, and closes`, async () => {
    const port = await freePort();
    const source: SqlSource = openSqlSource({ name: 'shop', dialect: connector.dialect, url: connector.url(port) });
    try {
      const first = await rejection(() => source.query(PACK, ['0']));
      assert.match(first.error.message, connector.says);
      assert.ok(first.error.message.includes(String(port)), first.error.message);
      assert.ok(first.ms < 5_000, `failed after ${first.ms} ms`);
      // The failed connection attempt is not kept: the next read tries again, and fails the same way.
      const second = await rejection(() => source.query(PACK, ['0']));
      assert.match(second.error.message, connector.says);
    } finally {
      await source.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // late pool events would show up here
    assert.deepEqual(uncaught, []);
  });

  test(`${connector.dialect}: a source that accepts but never answers fails after the URL's connectTimeout`, async () => {
    const { port, sockets, close } = await silentListener();
    const source = openSqlSource({ name: 'shop', dialect: connector.dialect, url: connector.url(port, '?connectTimeout=1000') });
    try {
      const { ms, error } = await rejection(() => source.query(PACK, ['0']));
      assert.match(error.message, /timed out|in 1000ms/);
      assert.ok(ms >= 900 && ms < 5_000, `failed after ${ms} ms`);
      assert.ok(sockets.size >= 1, 'it did reach the listener');
    } finally {
      await source.close();
      await close();
    }
    assert.deepEqual(uncaught, []);
  });

  test(`${connector.dialect}: a run against a source that is down leaves a 'failed' report with the error, and the cursor where it was`, async () => {
    const port = await freePort();
    const workspace = `unreachable_${connector.dialect}`;
    await createWorkspace(store, workspace);
    const parsed = parseImportJob({
      name: `${connector.dialect}-customers`,
      workspace,
      source: { name: 'shop', dialect: connector.dialect, url: connector.url(port) },
      entity: 'customers',
      query: 'SELECT customer_id AS local_id, email FROM customers WHERE customer_id > {$last_id}',
      mode: 'id',
      cursorColumn: 'local_id',
    });
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
    const source = openSqlSource(parsed.value.source);
    const started = Date.now();
    let report;
    try {
      report = await runImportJob(parsed.value, { store, source });
    } finally {
      await source.close();
    }
    assert.ok(Date.now() - started < 5_000);
    assert.equal(report.status, 'failed');
    assert.match(report.error ?? '', connector.says);
    assert.deepEqual([report.packs, report.rowsRead, report.rowsStored, report.cursor], [0, 0, 0, null]);
    assert.deepEqual((await listRuns(store, workspace, { limit: 10 })).map((r) => [r.id, r.status, r.error]), [[report.id, 'failed', report.error]]);
    assert.equal(await readCursor(store, workspace, parsed.value.name), null);
    assert.deepEqual(uncaught, []);
  });
}

// PostgreSQL and MySQL run here, so their timeouts are shown against the
// real servers too: a statement that outlasts queryTimeout fails the read.
const OPEN_CONNECTORS = [
  { dialect: 'postgres', silentUrl: (port: number) => `postgres://reader@127.0.0.1:${port}/crm?connectTimeout=1000`, realUrl: process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', sleep: 'SELECT pg_sleep(5) AS local_id' },
  { dialect: 'mysql', silentUrl: (port: number) => `mysql://reader@127.0.0.1:${port}/crm?connectTimeout=1000`, realUrl: process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test', sleep: 'SELECT SLEEP(5) AS local_id' },
] as const;

for (const connector of OPEN_CONNECTORS) {
  test(`${connector.dialect}: a source that accepts but never answers fails after connectTimeout; a pack slower than queryTimeout fails too`, async () => {
    const { port, sockets, close } = await silentListener();
    const source = openSqlSource({ name: 'shop', dialect: connector.dialect, url: connector.silentUrl(port) });
    try {
      const { ms, error } = await rejection(() => source.query(PACK, ['0']));
      assert.match(error.message, /timeout|timed out|ETIMEDOUT/i);
      assert.ok(ms >= 900 && ms < 5_000, `failed after ${ms} ms`);
      assert.ok(sockets.size >= 1, 'it did reach the listener');
    } finally {
      await source.close();
      await close();
    }
    const slow = openSqlSource({ name: 'shop', dialect: connector.dialect, url: `${connector.realUrl}${connector.realUrl.includes('?') ? '&' : '?'}queryTimeout=500` });
    try {
      const { ms, error } = await rejection(() => slow.query(connector.sleep, []));
      assert.match(error.message, /timeout|timed out/i);
      assert.ok(ms >= 400 && ms < 4_000, `failed after ${ms} ms`);
    } finally {
      await slow.close().catch(() => {});
    }
    assert.deepEqual(uncaught, []);
  });
}

test('stopping the service does not wait past its limit for a run stuck on a silent source', async () => {
  const { port, sockets, close } = await silentListener();
  await createWorkspace(store, 'stuck');
  const parsed = parseImportJob({
    name: 'stuck-customers',
    workspace: 'stuck',
    source: { name: 'shop', dialect: 'postgres', url: `postgres://reader@127.0.0.1:${port}/crm?connectTimeout=60000` },
    entity: 'customers',
    query: 'SELECT customer_id AS local_id FROM customers WHERE customer_id > {$last_id}',
    mode: 'id',
    cursorColumn: 'local_id',
  });
  assert.ok(parsed.ok);
  const scheduler = startImportScheduler([parsed.value], { store, log: pino({ level: 'silent' }), openSource: openSqlSource, stopWaitMs: 500 });
  try {
    assert.ok(scheduler.runNow(parsed.value));
    await waitFor('the run is connecting', async () => sockets.size >= 1, 5_000, 10);
    const started = Date.now();
    await scheduler.stop();
    assert.ok(Date.now() - started < 2_000, `stop took ${Date.now() - started} ms`);
  } finally {
    await close();
  }
  // the abandoned run ends (its connection gone) with a report, without crashing the process
  await waitFor('the abandoned run ended', async () => (await listRuns(store, 'stuck', { limit: 1 }))[0]?.status !== 'running', 10_000, 20);
  assert.equal((await listRuns(store, 'stuck', { limit: 1 }))[0]?.status, 'failed');
  assert.deepEqual(uncaught, []);
});

test('a job whose MS SQL Server or Oracle URL cannot be used is refused when it is read, each problem named, never the password', () => {
  const job = (dialect: 'mssql' | 'oracle', url: string) =>
    parseImportJob({ name: 'j', source: { name: 'shop', dialect, url }, entity: 'customers', query: 'SELECT id AS local_id FROM c WHERE id > {$last_id}', mode: 'id', cursorColumn: 'local_id' });
  const mssql = job('mssql', 'mssql://reader:Hunter2Secret@db:1433/crm?encrypt=yes&instanceName=X');
  assert.ok(!mssql.ok);
  assert.deepEqual(mssql.error, ['source.url: option encrypt must be true or false, not "yes"', 'source.url: give a port or an instanceName, not both (a named instance is found through the SQL Browser)']);
  const oracle = job('oracle', 'oracle://reader:Hunter2Secret@db:1521');
  assert.ok(!oracle.ok);
  assert.match(oracle.error.join(), /^source\.url: no service name/);
  assert.ok(!JSON.stringify([mssql.error, oracle.error]).includes('Hunter2Secret'));
  assert.ok(job('mssql', 'mssql://reader:pw@db/crm').ok);
  assert.ok(job('oracle', 'oracle://reader:pw@db/CRM').ok);
});
