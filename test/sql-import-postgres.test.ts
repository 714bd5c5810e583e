import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildTestApp } from './support/test-app.ts';
import { listRuns } from '../src/imports/import-state-table.ts';
import { loadJobFiles } from '../src/imports/load-job-files.ts';
import { startImportScheduler } from '../src/imports/schedule-import-jobs.ts';
import { openSqlSource } from '../src/ingest/sql/open-sql-source.ts';
import { createApiKey } from '../src/workspaces/api-keys.ts';
import { registerSqlImportScenarios } from './support/sql-import-scenarios.ts';
import { createPostgresSource } from './support/sql-source-servers.ts';
import { waitFor } from './support/wait-for.ts';

// Issue 4: the import scenarios with a PostgreSQL server as the retailer's source.
const harness = registerSqlImportScenarios(createPostgresSource);

test("GET /v1/imports/runs shows the caller's workspace's run reports, latest first", async () => {
  const table = await harness.customersTable([{ from: 1, to: 3, at: '2026-01-01 10:00:00' }]);
  const mine = await harness.job({ query: `SELECT customer_id AS local_id FROM ${table} WHERE customer_id > {$last_id}`, mode: 'id', cursorColumn: 'local_id' });
  const theirs = await harness.job({ query: mine.query, mode: 'id', cursorColumn: 'local_id' });
  await harness.run(mine);
  await harness.run(mine);
  await harness.run(theirs);
  const store = harness.store();
  const app = await buildTestApp(store);
  try {
    const { key } = await createApiKey(store, mine.workspace, 'import test');
    const response = await app.inject({ method: 'GET', url: '/v1/imports/runs', headers: { authorization: `Bearer ${key}` } });
    assert.equal(response.statusCode, 200);
    const runs = response.json().runs as Array<Record<string, unknown>>;
    assert.deepEqual(runs.map((r) => [r.job, r.status, r.rowsRead, r.rowsStored, (r.cursor as { value: string }).value]), [
      [mine.name, 'succeeded', 0, 0, '3'],
      [mine.name, 'succeeded', 3, 3, '3'],
    ]);
    assert.equal(typeof runs[1]!.durationMs, 'number');
  } finally {
    await app.close();
  }
});

test('jobs with a schedule run in the service from their job files; new rows arrive on the next tick', async () => {
  const table = await harness.customersTable([{ from: 1, to: 3, at: '2026-01-01 10:00:00' }]);
  const job = await harness.job({ query: `SELECT customer_id AS local_id FROM ${table} WHERE customer_id > {$last_id}`, mode: 'id', cursorColumn: 'local_id', schedule: '* * * * * *' });
  const dir = mkdtempSync(join(tmpdir(), 'smartcom-jobs-'));
  writeFileSync(join(dir, 'customers.json'), JSON.stringify(job));
  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...job, mode: 'date' }));
  writeFileSync(join(dir, 'notes.txt'), 'not a job');
  const loaded = loadJobFiles(dir);
  rmSync(dir, { recursive: true });
  assert.deepEqual(loaded.jobs.map((j) => j.name), [job.name]);
  assert.equal(loaded.problems.length, 1);
  assert.match(loaded.problems[0]!, /^broken\.json: .*must follow ">="/);

  const store = harness.store();
  const scheduler = startImportScheduler(loaded.jobs, { store, log: pino({ level: 'silent' }), openSource: openSqlSource });
  try {
    await waitFor('a scheduled run', async () => (await listRuns(store, job.workspace, { limit: 10 })).some((r) => r.status === 'succeeded' && r.rowsStored === 3));
    await harness.source().exec(`INSERT INTO ${table} (customer_id, f_name, updated_at, user_id) VALUES (4, 'Late', TIMESTAMP '2026-01-02 00:00:00', 'acme')`);
    await waitFor('the next tick', async () => (await listRuns(store, job.workspace, { limit: 10 })).some((r) => r.rowsStored === 1));
  } finally {
    await scheduler.stop();
  }
  const runs = await listRuns(store, job.workspace, { limit: 100 });
  assert.ok(runs.every((r) => r.status === 'succeeded'), 'every run finished before stop() returned');
  assert.equal(runs.reduce((n, r) => n + r.rowsStored, 0), 4);
});
