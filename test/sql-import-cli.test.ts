import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { saveStoredJob } from '../src/imports/import-jobs-table.ts';
import { parseImportJob } from '../src/imports/job-config.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { createPostgresSource, type SourceDatabase } from './support/sql-source-servers.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

// `smartcom import run JOB.json`: a progress bar with rows, rate and ETA on
// stderr (one line per pack when stderr is not a terminal), the run report
// as JSON on stdout; with --no-count, rows and rate without a total.
const run = promisify(execFile);
const SMARTCOM = fileURLToPath(new URL('../bin/smartcom.js', import.meta.url));
let store: TestDatabase;
let source: SourceDatabase;
const dir = mkdtempSync(join(tmpdir(), 'smartcom-import-cli-'));

before(async () => {
  [store, source] = await Promise.all([createTestDatabase(), createPostgresSource()]);
  const db = openPostgresStore(store.url, 1);
  await migrate(db);
  await createWorkspace(db, 'cli-import');
  await db.close();
  await source.exec('CREATE TABLE shop_customers (customer_id bigint PRIMARY KEY, f_name text, email text)');
  await source.exec(`INSERT INTO shop_customers SELECT n, 'Name ' || n, 'c' || n || '@example.com' FROM generate_series(1, 2500) n`);
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await source?.drop();
  await store?.drop();
});

const importRun = async (...options: string[]) => {
  const jobFile = join(dir, 'job.json');
  writeFileSync(
    jobFile,
    JSON.stringify({
      name: 'shop-customers',
      workspace: 'cli-import',
      source: { name: 'shop', dialect: 'postgres', url: source.url },
      entity: 'customers',
      query: 'SELECT customer_id AS local_id, f_name AS first_name, email FROM shop_customers WHERE customer_id > {$last_id}',
      mode: 'id',
      cursorColumn: 'local_id',
      packSize: 1000,
    }),
  );
  const { stdout, stderr } = await run(process.execPath, [SMARTCOM, 'import', 'run', jobFile, ...options], {
    env: { ...process.env, DATABASE_URL: store.url, LOG_LEVEL: 'silent' },
  });
  return { report: JSON.parse(stdout) as { status: string; rowsRead: number; rowsStored: number }, lines: stderr.trim().split('\n') };
};

test('the rows to read are counted first, then each pack shows the bar, the share, the rate and the time left', async () => {
  const { report, lines } = await importRun();
  assert.deepEqual([report.status, report.rowsRead, report.rowsStored], ['succeeded', 2500, 2500]);
  assert.equal(lines.length, 4, lines.join('\n'));
  assert.match(lines[0]!, /^shop-customers \[-{20}\] 0% 0\/2,500 rows, ETA -, 0 rows\/s, elapsed 0:00 \(stored 0, rejected 0\)$/);
  assert.match(lines[1]!, /^shop-customers \[#{8}-{12}\] 40% 1,000\/2,500 rows, ETA \d+:\d\d, [\d,]+ rows\/s, elapsed \d+:\d\d \(stored 1,000, rejected 0\)$/);
  assert.match(lines[3]!, /^shop-customers \[#{20}\] 100% 2,500\/2,500 rows, ETA now, /);
});

test('--no-count shows rows and rate without a total; nothing new reads nothing', async () => {
  await source.exec(`INSERT INTO shop_customers SELECT n, 'Name ' || n, 'c' || n || '@example.com' FROM generate_series(2501, 2600) n`);
  const { report, lines } = await importRun('--no-count');
  assert.deepEqual([report.status, report.rowsStored], ['succeeded', 100]);
  assert.match(lines.at(-1)!, /^shop-customers 100 rows, [\d,]+ rows\/s, elapsed \d+:\d\d \(stored 100, rejected 0\)$/);
  const again = await importRun();
  assert.deepEqual([again.report.rowsRead, again.lines], [0, ['shop-customers [####################] 100% 0/0 rows, ETA now, 0 rows/s, elapsed 0:00 (stored 0, rejected 0)']]);
});

test('Ctrl-C stops the run after the pack in hand: reported stopped, and the next run resumes after it', async () => {
  const jobFile = join(dir, 'stop-job.json');
  writeFileSync(
    jobFile,
    JSON.stringify({
      name: 'shop-stop',
      workspace: 'cli-import',
      source: { name: 'shop', dialect: 'postgres', url: source.url },
      entity: 'customers',
      // A fifth of a second per pack: the signal arrives while packs are still to come.
      query: 'SELECT customer_id AS local_id, email FROM shop_customers WHERE customer_id > {$last_id} AND (SELECT pg_sleep(0.2)) IS NOT NULL',
      mode: 'id',
      cursorColumn: 'local_id',
      packSize: 100,
    }),
  );
  const child = spawn(process.execPath, [SMARTCOM, 'import', 'run', jobFile, '--no-count'], { env: { ...process.env, DATABASE_URL: store.url, LOG_LEVEL: 'silent' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (/stored [1-9]/.test(stderr) && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 1, stderr);
  const report = JSON.parse(stdout) as { status: string; rowsRead: number; rowsStored: number; error: string; cursor: { value: string } };
  assert.equal(report.status, 'stopped');
  assert.match(report.error, /stopped between packs/);
  assert.ok(report.rowsStored > 0 && report.rowsStored < 2600 && report.rowsStored % 100 === 0, `stored ${report.rowsStored}`);
  assert.match(stderr, /SIGINT: stopping after the pack in hand/);
  // Ids 1..2600, read in order: the stopped run's cursor is the last id it stored.
  assert.equal(report.cursor.value, String(report.rowsStored));

  const rest = await run(process.execPath, [SMARTCOM, 'import', 'run', jobFile, '--no-count'], { env: { ...process.env, DATABASE_URL: store.url, LOG_LEVEL: 'silent' } });
  const resumed = JSON.parse(rest.stdout) as { status: string; rowsRead: number; rowsStored: number; rowsUnchanged: number };
  // Resumed after the stored packs, not started again: nothing read twice.
  assert.deepEqual([resumed.status, resumed.rowsRead, resumed.rowsStored, resumed.rowsUnchanged], ['succeeded', 2600 - report.rowsStored, 2600 - report.rowsStored, 0]);
});

test('a job file named like a job defined over the API is refused: it would move that job\'s cursor', async () => {
  const parsed = parseImportJob({
    name: 'shop-customers',
    workspace: 'cli-import',
    source: { name: 'other', dialect: 'postgres', url: source.url },
    entity: 'customers',
    query: 'SELECT customer_id AS local_id FROM shop_customers WHERE customer_id > {$last_id}',
    mode: 'id',
    cursorColumn: 'local_id',
  });
  assert.ok(parsed.ok);
  const db = openPostgresStore(store.url, 1);
  try {
    await saveStoredJob(db, parsed.value);
  } finally {
    await db.close();
  }
  const failed = await importRun().then(
    () => assert.fail('the run went ahead'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /job shop-customers of workspace cli-import is defined over the HTTP API; a job file of the same name would share its cursor/);
});
