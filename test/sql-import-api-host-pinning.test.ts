import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { checkApiJobHost, type ApiJobHostRule } from '../src/imports/api-job-hosts.ts';
import { readRun } from '../src/imports/import-state-table.ts';
import { parseImportJob } from '../src/imports/job-config.ts';
import { startImportScheduler } from '../src/imports/schedule-import-jobs.ts';
import { openSqlSource } from '../src/ingest/sql/open-sql-source.ts';
import type { Store } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { createPostgresSource, type SourceDatabase } from './support/sql-source-servers.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';
import { waitFor } from './support/wait-for.ts';

// DNS rebinding: an API job's host name answers one address to the check and
// another to the driver. The run must connect to the address the check approved.
let storeDb: TestDatabase;
let store: Store;
let source: SourceDatabase;
before(async () => {
  [storeDb, source] = await Promise.all([createTestDatabase(), createPostgresSource()]);
  store = openPostgresStore(storeDb.url, 2);
  await migrate(store);
});
after(async () => {
  await store?.close();
  await source?.drop();
  await storeDb?.drop();
});

test("an API job's run connects to the address its host check approved, never to a later answer for the name", async () => {
  await source.exec('CREATE TABLE shoppers (customer_id bigint PRIMARY KEY)');
  await source.exec('INSERT INTO shoppers VALUES (1), (2), (3)');
  // .invalid never resolves (RFC 6761): a driver resolving the name itself could not connect at all.
  const url = new URL(source.url);
  url.hostname = 'crm.rebind.invalid';
  url.searchParams.set('connectTimeout', '2000');
  const answers = ['127.0.0.1', '203.0.113.9'];
  const asked: string[] = [];
  const rule: ApiJobHostRule = {
    allowedHosts: ['crm.rebind.invalid'], // SQL_IMPORT_API_HOSTS: the store's server may be read under this name
    storeUrl: storeDb.url,
    resolve: async (host) => {
      asked.push(host);
      return [answers[Math.min(asked.length - 1, answers.length - 1)]!];
    },
  };
  await createWorkspace(store, 'rebind');
  const parsed = parseImportJob({
    name: 'shoppers',
    workspace: 'rebind',
    source: { name: 'crm', dialect: 'postgres', url: url.toString() },
    entity: 'customers',
    query: 'SELECT customer_id AS local_id FROM shoppers WHERE customer_id > {$last_id}',
    mode: 'id',
    cursorColumn: 'local_id',
  });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
  const scheduler = startImportScheduler([], { store, log: pino({ level: 'silent' }), openSource: openSqlSource, checkStoredJob: (job) => checkApiJobHost(job.source, rule) });
  try {
    const started = scheduler.runNow(parsed.value);
    assert.ok(started);
    const report = await waitFor('the run', async () => {
      const run = await readRun(store, started.runId);
      return run && run.status !== 'running' ? run : undefined;
    });
    assert.deepEqual([report.status, report.error, report.rowsStored], ['succeeded', null, 3]);
    assert.deepEqual(asked, ['crm.rebind.invalid'], 'resolved once, by the check');
  } finally {
    await scheduler.stop();
  }
});
