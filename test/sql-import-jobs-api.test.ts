import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { deleteStoredJob, saveStoredJob } from '../src/imports/import-jobs-table.ts';
import { readRun } from '../src/imports/import-state-table.ts';
import { runWithHeartbeat } from '../src/imports/schedule-import-jobs.ts';
import { parseImportJob } from '../src/imports/job-config.ts';
import { createApiKey } from '../src/workspaces/api-keys.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { spawnService, type ServiceProcess } from './support/service-process.ts';
import { createPostgresSource, type SourceDatabase } from './support/sql-source-servers.ts';
import { startTestService, type TestService } from './support/test-service.ts';
import { waitFor } from './support/wait-for.ts';

// Issue 4: SQL import jobs defined, listed, run and scheduled over the HTTP
// API of a running service (real PostgreSQL store), reading a real
// PostgreSQL source. The service re-reads stored jobs only every hour here,
// so a schedule that starts at once can only come from the reload the API
// triggers; the child process below re-reads every 200 ms.

let svc: TestService;
let source: SourceDatabase;
let otherKey: string;
const children: ServiceProcess[] = [];

let fileJob: { name: string; table: string };

before(async () => {
  source = await createPostgresSource();
  // One job comes from a job file (read-only over the API).
  const table = await customersTable(3);
  fileJob = { name: fresh('from-file'), table };
  const dir = mkdtempSync(join(tmpdir(), 'smartcom-jobs-'));
  writeFileSync(join(dir, 'file-job.json'), JSON.stringify({ ...jobBody(table), name: fileJob.name, workspace: 'default' }));
  try {
    // The sources run on the store's own server here: the operator allows it (without the list, API jobs may not reach it).
    svc = await startTestService({ sqlImportReloadMs: 3_600_000, sqlImportJobsDir: dir, sqlImportApiHosts: '127.0.0.1,127.1' });
  } finally {
    rmSync(dir, { recursive: true });
  }
  await createWorkspace(svc.service.store, 'other-shop');
  otherKey = (await createApiKey(svc.service.store, 'other-shop', 'jobs api test')).key;
});

after(async () => {
  await Promise.all(children.map((c) => c.stop('SIGKILL')));
  await svc?.close();
  await source?.drop();
});

async function call(method: string, path: string, body?: unknown, key = svc.apiKey): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const response = await fetch(`${svc.service.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, text, headers: response.headers };
}

const fresh = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;
// The source URL with a password: the server trusts local connections, so the password is never checked, only hidden.
const sourceUrl = () => {
  const url = new URL(source.url);
  url.password = 's3cret-pw';
  return url.toString();
};
const maskedUrl = () => sourceUrl().replace('s3cret-pw', '***');

async function customersTable(count: number, birthDate = '1990-02-03'): Promise<string> {
  const table = `t${randomBytes(4).toString('hex')}`;
  await source.exec(`CREATE TABLE ${table} (customer_id bigint PRIMARY KEY, f_name text, b_date text)`);
  await source.exec(`INSERT INTO ${table} SELECT g, 'Name ' || g, '${birthDate}' FROM generate_series(1, ${count}) g`);
  return table;
}

// Each table is its own source (profiles sql:<table>:<id>), so tests never share profiles or event ids.
const jobBody = (table: string, fields: Record<string, unknown> = {}) => ({
  source: { name: table, dialect: 'postgres', url: sourceUrl() },
  entity: 'customers',
  query: `SELECT customer_id AS local_id, f_name AS first_name, b_date AS birth_date FROM ${table} WHERE customer_id > {$last_id}`,
  mode: 'id',
  cursorColumn: 'local_id',
  ...fields,
});

const runsOf = async (job: string, key = svc.apiKey) => (await call('GET', `/v1/imports/runs?job=${job}`, undefined, key)).body.runs as Array<Record<string, any>>;
const waitForRun = (runId: string, status = 'succeeded') =>
  waitFor(`run ${runId} ${status}`, async () => {
    const run = await call('GET', `/v1/imports/runs/${runId}`);
    return run.status === 200 && run.body.status === status && run.body;
  });

test('a job is created, replaced, listed, read and deleted; the source password is never returned', async () => {
  const table = await customersTable(3);
  const name = fresh('crm');
  const created = await call('PUT', `/v1/imports/jobs/${name}`, jobBody(table));
  assert.equal(created.status, 201, created.text);
  assert.deepEqual([created.body.name, created.body.origin, created.body.definition.workspace, created.body.definition.packSize], [name, 'api', 'default', 10_000]);
  assert.equal(created.body.definition.source.url, maskedUrl());

  const replaced = await call('PUT', `/v1/imports/jobs/${name}`, jobBody(table, { packSize: 2, schedule: '0 3 * * *' }));
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.createdAt, created.body.createdAt);
  const read = await call('GET', `/v1/imports/jobs/${name}`);
  assert.deepEqual([read.status, read.body.definition.packSize, read.body.definition.schedule, read.body.definition.source.url], [200, 2, '0 3 * * *', maskedUrl()]);
  // The definition read back carries the mask: PUT back as it is, it is refused, not stored with "***" as the password.
  const putBack = await call('PUT', `/v1/imports/jobs/${name}`, { ...read.body.definition, name: undefined, workspace: undefined });
  assert.equal(putBack.status, 400, putBack.text);
  assert.match(putBack.text, /mask/);
  const listed = await call('GET', '/v1/imports/jobs');
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.jobs.filter((j: any) => j.name === name).map((j: any) => [j.origin, j.definition.packSize]), [['api', 2]]);
  for (const answer of [created, replaced, read, listed]) assert.doesNotMatch(answer.text, /s3cret-pw/);

  // The store keeps the real URL: the job has to connect.
  const stored = await svc.service.store.query<{ definition: any }>('SELECT definition FROM sql_import_jobs WHERE workspace_id = $1 AND name = $2', ['default', name]);
  assert.equal(stored.rows[0]!.definition.source.url, sourceUrl());

  assert.equal((await call('DELETE', `/v1/imports/jobs/${name}`)).status, 204);
  assert.equal((await call('GET', `/v1/imports/jobs/${name}`)).status, 404);
  assert.equal((await call('DELETE', `/v1/imports/jobs/${name}`)).status, 404);
  assert.ok(!(await call('GET', '/v1/imports/jobs')).body.jobs.some((j: any) => j.name === name));
});

test('an invalid job is refused with every problem named, the same problems a job file gets', async () => {
  const name = fresh('bad');
  // Shape problems are all named together; the checks of a well-shaped job (query, schedule) are too.
  const cases = [
    { ...jobBody('customers'), packSize: 0, mode: 'sideways' },
    { ...jobBody('customers', { mode: 'date', cursorColumn: 'updated_at', schedule: 'every tuesday' }), query: 'SELECT id AS local_id, updated_at FROM customers WHERE updated_at > {$last_date}' },
  ];
  const named: string[][] = [];
  for (const body of cases) {
    const refused = await call('PUT', `/v1/imports/jobs/${name}`, body);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.error, 'invalid_job');
    const asFile = parseImportJob({ ...body, name, workspace: 'default' });
    assert.ok(!asFile.ok);
    assert.deepEqual(refused.body.problems, asFile.error);
    named.push(refused.body.problems);
  }
  assert.ok(named[0]!.some((p) => p.startsWith('/packSize')) && named[0]!.some((p) => p.startsWith('/mode')), JSON.stringify(named[0]));
  assert.ok(named[1]!.some((p) => p.includes('">="')) && named[1]!.some((p) => p.startsWith('schedule "every tuesday"')), JSON.stringify(named[1]));

  const elsewhere = await call('PUT', `/v1/imports/jobs/${name}`, { ...jobBody('customers'), workspace: 'other-shop', name: 'another-name' });
  assert.equal(elsewhere.status, 400);
  assert.deepEqual(elsewhere.body.problems, ["/workspace: the workspace is the API key's; leave it out", `/name: the job's name is the path's ("${name}"); leave it out or make them equal`]);
  // A workspace's key cannot point a job at smartcom's own store (other workspaces' rows) or at a local socket.
  const ownStore = await call('PUT', `/v1/imports/jobs/${name}`, { ...jobBody('customers'), source: { name: 'x', dialect: 'postgres', url: svc.database.url } });
  assert.equal(ownStore.status, 400, ownStore.text);
  assert.ok(ownStore.body.problems.some((p: string) => /own store/.test(p)), ownStore.text);
  const socket = await call('PUT', `/v1/imports/jobs/${name}`, { ...jobBody('customers'), source: { name: 'x', dialect: 'postgres', url: 'postgres://postgres@db.example/crm?host=/var/run/postgresql' } });
  assert.equal(socket.status, 400, socket.text);
  const notAnObject = await call('PUT', `/v1/imports/jobs/${name}`, [jobBody('customers')]);
  assert.deepEqual([notAnObject.status, notAnObject.body.problems], [400, ['/: the body must be a JSON object (the job)']]);
  // A body that is not JSON at all, or not said to be, is a 4xx with the house's codes, never a 500.
  const raw = async (body: string, contentType?: string) => {
    const response = await fetch(`${svc.service.url}/v1/imports/jobs/${name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${svc.apiKey}`, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
    });
    return [response.status, ((await response.json()) as { error: string }).error];
  };
  assert.deepEqual(await raw('{"source":', 'application/json'), [400, 'invalid_json']);
  assert.deepEqual(await raw('', 'application/json'), [400, 'empty_body']);
  assert.deepEqual(await raw(JSON.stringify(jobBody('customers')), 'application/xml'), [415, 'unsupported_media_type']);
  assert.deepEqual(await raw(JSON.stringify(jobBody('customers')), 'text/plain'), [400, 'invalid_job']);
  const badName = await call('PUT', '/v1/imports/jobs/-dash-first', jobBody('customers'));
  assert.equal(badName.status, 400);
  assert.ok(badName.body.problems.some((p: string) => p.startsWith('/name')), badName.text);
  assert.equal((await call('GET', `/v1/imports/jobs/${name}`)).status, 404, 'nothing was stored');
});

test("another workspace's key can neither see nor run nor delete the job, nor read its runs", async () => {
  const table = await customersTable(2);
  const name = fresh('mine');
  assert.equal((await call('PUT', `/v1/imports/jobs/${name}`, jobBody(table))).status, 201);
  const run = await call('POST', `/v1/imports/jobs/${name}/runs`);
  assert.equal(run.status, 202, run.text);
  await waitForRun(run.body.runId);

  assert.ok(!(await call('GET', '/v1/imports/jobs', undefined, otherKey)).body.jobs.some((j: any) => j.name === name));
  for (const [method, path] of [['GET', `/v1/imports/jobs/${name}`], ['POST', `/v1/imports/jobs/${name}/runs`], ['DELETE', `/v1/imports/jobs/${name}`], ['GET', `/v1/imports/runs/${run.body.runId}`]] as const) {
    assert.equal((await call(method, path, undefined, otherKey)).status, 404, `${method} ${path}`);
  }
  assert.deepEqual(await runsOf(name, otherKey), []);
  // The name is the workspace's own: the other workspace may have a job called the same.
  assert.equal((await call('PUT', `/v1/imports/jobs/${name}`, jobBody(table), otherKey)).status, 201);
  assert.equal((await call('GET', `/v1/imports/jobs/${name}`)).body.definition.workspace, 'default');
  assert.equal((await call('GET', `/v1/imports/jobs/${name}`, undefined, otherKey)).body.definition.workspace, 'other-shop');
});

test('run now answers 202 with the run id, stores the rows in the background and its report is listed; a second run now while it runs is 409', async () => {
  const table = await customersTable(6);
  const name = fresh('now');
  // Each pack read waits 300 ms at the source, so the run is still going when the second request comes.
  const slow = `SELECT customer_id AS local_id, f_name AS first_name FROM ${table} CROSS JOIN (SELECT pg_sleep(0.3)) pause WHERE customer_id > {$last_id}`;
  assert.equal((await call('PUT', `/v1/imports/jobs/${name}`, jobBody(table, { query: slow, packSize: 2 }))).status, 201);
  const started = await call('POST', `/v1/imports/jobs/${name}/runs`);
  assert.equal(started.status, 202, started.text);
  assert.equal(started.headers.get('location'), `/v1/imports/runs/${started.body.runId}`);
  const again = await call('POST', `/v1/imports/jobs/${name}/runs`);
  assert.deepEqual([again.status, again.body.error], [409, 'job_running']);

  const report = await waitForRun(started.body.runId);
  assert.deepEqual([report.job, report.packs, report.rowsRead, report.rowsStored, report.cursor.value], [name, 3, 6, 6, '6']);
  assert.deepEqual((await runsOf(name)).map((r) => [r.id, r.status, r.rowsStored]), [[started.body.runId, 'succeeded', 6]]);
  const profile = await call('GET', `/v1/customers/sql:${table}:4`);
  assert.equal(profile.status, 200, profile.text);
  assert.equal((await call('POST', '/v1/imports/jobs/no-such-job/runs')).status, 404);
  // Finished: it may run again (nothing new, so nothing stored).
  const rerun = await call('POST', `/v1/imports/jobs/${name}/runs`);
  assert.equal(rerun.status, 202);
  assert.deepEqual([(await waitForRun(rerun.body.runId)).rowsRead], [0]);
});

test("a stored job that points at smartcom's own store, however spelled, is refused at run time and reads nothing", async () => {
  const name = fresh('sneaky');
  const store = new URL(svc.database.url);
  const parsed = parseImportJob({
    ...jobBody('api_keys'),
    name,
    workspace: 'default',
    query: 'SELECT 1 AS local_id, workspace_id AS first_name FROM api_keys WHERE 1 > {$last_id}',
    // saved before the check knew this spelling (or a name that resolved elsewhere when it was saved)
    source: { name: 'x', dialect: 'postgres', url: `postgres://${store.username}@127.1:${store.port || 5432}${store.pathname}` },
  });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.join('; '));
  await saveStoredJob(svc.service.store, parsed.value);
  const started = await call('POST', `/v1/imports/jobs/${name}/runs`);
  assert.equal(started.status, 202, started.text);
  const report = await waitForRun(started.body.runId, 'failed');
  assert.match(report.error, /refused before reading: .*own store/);
  assert.deepEqual([report.rowsRead, report.cursor], [0, null]);
  assert.equal((await call('GET', '/v1/customers/sql:x:1')).status, 404);
  await deleteStoredJob(svc.service.store, 'default', name, true);
});

test('run reports page latest first: following nextPage lists each run once', async () => {
  const table = await customersTable(2);
  const name = fresh('paged');
  assert.equal((await call('PUT', `/v1/imports/jobs/${name}`, jobBody(table))).status, 201);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const started = await call('POST', `/v1/imports/jobs/${name}/runs`);
    assert.equal(started.status, 202, started.text);
    await waitForRun(started.body.runId);
    ids.unshift(started.body.runId);
  }
  const seen: string[] = [];
  let query = '';
  for (let pages = 0; pages < 5; pages++) {
    const page = await call('GET', `/v1/imports/runs?job=${name}&limit=2${query}`);
    assert.equal(page.status, 200, page.text);
    seen.push(...page.body.runs.map((r: { id: string }) => r.id));
    if (!page.body.nextPage) break;
    query = `&beforeStartedAt=${encodeURIComponent(page.body.nextPage.beforeStartedAt)}&beforeId=${encodeURIComponent(page.body.nextPage.beforeId)}`;
  }
  assert.deepEqual(seen, ids);
  assert.equal((await call('GET', `/v1/imports/runs?beforeId=x`)).status, 400);
});

test('a job created over the API is scheduled at once, without a restart; deleted, its schedule stops', async () => {
  const table = await customersTable(4);
  const name = fresh('cron');
  assert.equal((await call('PUT', `/v1/imports/jobs/${name}`, jobBody(table, { schedule: '* * * * * *' }))).status, 201);
  await waitFor('a scheduled run', async () => (await runsOf(name)).some((r) => r.status === 'succeeded' && r.rowsStored === 4));
  await source.exec(`INSERT INTO ${table} VALUES (5, 'Late', '1991-01-01')`);
  await waitFor('the next tick', async () => (await runsOf(name)).some((r) => r.rowsStored === 1));

  assert.equal((await call('DELETE', `/v1/imports/jobs/${name}`)).status, 204);
  await waitFor('the last run to finish', async () => (await runsOf(name)).every((r) => r.status !== 'running'));
  const settled = (await runsOf(name)).length;
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.equal((await runsOf(name)).length, settled, 'no tick after the delete');
  // The cursor stayed: created again, the job resumes after row 5.
  assert.equal((await call('PUT', `/v1/imports/jobs/${name}`, jobBody(table))).status, 201);
  const resumed = await call('POST', `/v1/imports/jobs/${name}/runs`);
  assert.deepEqual([(await waitForRun(resumed.body.runId)).rowsRead], [0]);
  assert.equal((await call('DELETE', `/v1/imports/jobs/${name}?forgetCursor=true`)).status, 204);
  assert.equal((await call('PUT', `/v1/imports/jobs/${name}`, jobBody(table))).status, 201);
  const fromStart = await call('POST', `/v1/imports/jobs/${name}/runs`);
  assert.deepEqual([(await waitForRun(fromStart.body.runId)).rowsRead], [5]);
});

test('a second service process picks a new job up by its periodic re-read; killed mid-run, its run is shown interrupted, and the next run resumes', { timeout: 120_000 }, async () => {
  const table = await customersTable(8);
  const name = fresh('killed');
  // Written straight to the store, as another process would: this service re-reads only hourly and does not schedule it.
  const slow = `SELECT customer_id AS local_id, f_name AS first_name FROM ${table} CROSS JOIN (SELECT pg_sleep(0.5)) pause WHERE customer_id > {$last_id}`;
  const parsed = parseImportJob({ ...jobBody(table, { query: slow, packSize: 2, schedule: '* * * * * *' }), name, workspace: 'default' });
  assert.ok(parsed.ok);
  await saveStoredJob(svc.service.store, parsed.value);
  try {
    const child = spawnService({ databaseUrl: svc.database.url, amqpUrl: '', topology: svc.topology, env: { SQL_IMPORT_RELOAD_MS: '200', BONUS_WORKER: 'false', SQL_IMPORT_API_HOSTS: '127.0.0.1,127.1' } });
    children.push(child);
    const inFlight = await waitFor(
      'the child to store a pack',
      async () => {
        assert.equal(child.child.exitCode, null, `the child exited: ${child.output()}`);
        return (await runsOf(name)).find((r) => r.status === 'running' && r.packs >= 1);
      },
      60_000,
    );
    assert.equal((await child.stop('SIGKILL')).signal, 'SIGKILL');
    const stored = (await runsOf(name)).find((r) => r.id === inFlight.id)!;
    assert.ok(stored.rowsStored >= 2 && stored.rowsStored < 8, JSON.stringify(stored));
    // Just killed: its heartbeat is recent, so the run honestly still reads as running.
    assert.equal(stored.status, 'running');

    // A minute without a heartbeat passes (moved back on the store's clock rather than waited for).
    await svc.service.store.query("UPDATE sql_import_runs SET heartbeat_at = heartbeat_at - interval '61 seconds' WHERE id = $1", [inFlight.id]);
    const interrupted = (await call('GET', `/v1/imports/runs/${inFlight.id}`)).body;
    assert.equal(interrupted.status, 'interrupted');
    assert.match(interrupted.error, /^no heartbeat since .*the process running it stopped/);
    assert.equal(interrupted.rowsStored, stored.rowsStored, 'what it stored before dying is still reported');

    const resumed = await call('POST', `/v1/imports/jobs/${name}/runs`);
    assert.equal(resumed.status, 202, resumed.text);
    const report = await waitForRun(resumed.body.runId);
    assert.equal(report.rowsStored + stored.rowsStored, 8, JSON.stringify(report));
    const profiles = await svc.service.store.query<{ n: number }>("SELECT count(*)::int AS n FROM customers WHERE workspace_id = 'default' AND customer_key LIKE $1", [`sql:${table}:%`]);
    assert.equal(profiles.rows[0]!.n, 8, 'no row lost, none doubled');
  } finally {
    await deleteStoredJob(svc.service.store, 'default', name, false);
  }
});

test('a run report keeps the first 1,000 rejections across packs while counting them all', async () => {
  const table = await customersTable(1500, 'not a date');
  const name = fresh('rejects');
  assert.equal((await call('PUT', `/v1/imports/jobs/${name}`, jobBody(table, { packSize: 600 }))).status, 201);
  const run = await call('POST', `/v1/imports/jobs/${name}/runs`);
  const report = await waitForRun(run.body.runId);
  assert.deepEqual([report.packs, report.rowsRead, report.rowsStored, report.rowsRejected], [3, 1500, 0, 1500]);
  assert.equal(report.rejections.length, 1000);
  assert.deepEqual(report.rejections.map((r: any) => r.key), Array.from({ length: 1000 }, (_, i) => String(i + 1)));
  assert.deepEqual(report.rejections[0], { key: '1', reason: 'unparseable birth_date "not a date"' });
});

test('a job file is listed and can be run now, but the API neither replaces nor deletes it', async () => {
  const listed = (await call('GET', '/v1/imports/jobs')).body.jobs.find((j: any) => j.name === fileJob.name);
  assert.deepEqual([listed?.origin, listed?.definition.source.url], ['file', maskedUrl()]);
  const read = await call('GET', `/v1/imports/jobs/${fileJob.name}`);
  assert.deepEqual([read.status, read.body.origin], [200, 'file']);
  assert.doesNotMatch(read.text, /s3cret-pw/);
  const replace = await call('PUT', `/v1/imports/jobs/${fileJob.name}`, jobBody(fileJob.table, { packSize: 1 }));
  assert.deepEqual([replace.status, replace.body.error], [409, 'job_defined_in_file']);
  assert.deepEqual([(await call('DELETE', `/v1/imports/jobs/${fileJob.name}`)).status], [409]);
  const run = await call('POST', `/v1/imports/jobs/${fileJob.name}/runs`);
  assert.equal(run.status, 202, run.text);
  assert.deepEqual([(await waitForRun(run.body.runId)).rowsStored], [3]);
  // The file's job belongs to its workspace only.
  assert.equal((await call('GET', `/v1/imports/jobs/${fileJob.name}`, undefined, otherKey)).status, 404);
  assert.equal((await call('PUT', `/v1/imports/jobs/${fileJob.name}`, jobBody(fileJob.table), otherKey)).status, 201);
});

test('a run whose pack takes longer than the staleness threshold stays running: its process refreshes the heartbeat', async () => {
  const table = await customersTable(2);
  const parsed = parseImportJob({ ...jobBody(table, { query: `SELECT customer_id AS local_id FROM ${table} CROSS JOIN (SELECT pg_sleep(1.2)) pause WHERE customer_id > {$last_id}` }), name: fresh('slow'), workspace: 'default' });
  assert.ok(parsed.ok);
  const runId = randomUUID();
  const sqlSource = source.open();
  const heartbeat = async () => (await readRun(svc.service.store, runId))?.heartbeatAt ?? undefined;
  try {
    const running = runWithHeartbeat(parsed.value, { store: svc.service.store, source: sqlSource, runId, heartbeatMs: 100 });
    const first = await waitFor('the run to start', heartbeat);
    // Still in its first pack (the source sleeps 1.2 s), yet the heartbeat moves.
    await waitFor('a newer heartbeat', async () => (await heartbeat())! > first, 1000, 50);
    assert.equal((await readRun(svc.service.store, runId))!.packs, 0);
    assert.equal((await running).status, 'succeeded');
  } finally {
    await sqlSource.close();
  }
});

test('the job endpoints are in the OpenAPI document at /docs', async () => {
  const response = await fetch(`${svc.service.url}/docs/json`);
  assert.equal(response.status, 200);
  const paths = (await response.json()).paths as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(paths['/v1/imports/jobs/{name}'] ?? {}).sort(), ['delete', 'get', 'put']);
  assert.ok(paths['/v1/imports/jobs']?.get && paths['/v1/imports/jobs/{name}/runs']?.post && paths['/v1/imports/runs/{runId}']?.get);
});
