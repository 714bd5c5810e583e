import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { packSpecOf, parseImportJob, type ImportJob } from '../../src/imports/job-config.ts';
import type { RunReport } from '../../src/imports/import-state-table.ts';
import { runImportJob } from '../../src/imports/run-import-job.ts';
import { countRowsAfter } from '../../src/ingest/sql/read-next-pack.ts';
import type { SqlSource } from '../../src/ingest/sql/sql-source.ts';
import type { Store } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import { createWorkspace } from '../../src/workspaces/workspaces.ts';
import type { SourceDatabase } from './sql-source-servers.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/**
 * The SQL import scenarios of issue 4, run against each source server: the
 * connector contract (conformance) and the import runs a retailer relies on.
 * Every test has its own source table and its own workspace.
 */
export interface ImportHarness {
  store: () => Store;
  source: () => SourceDatabase;
  customersTable(rows: { from: number; to: number; at: string; tenant?: string }[]): Promise<string>;
  job(fields: Partial<ImportJob> & { query: string; mode: 'id' | 'date'; cursorColumn: string }): Promise<ImportJob>;
  run(job: ImportJob): Promise<RunReport>;
}

export function registerSqlImportScenarios(createSource: () => Promise<SourceDatabase>): ImportHarness {
  let storeDb: TestDatabase;
  let store: Store;
  let source: SourceDatabase;
  before(async () => {
    [storeDb, source] = await Promise.all([createTestDatabase(), createSource()]);
    store = openPostgresStore(storeDb.url, 4);
    await migrate(store);
  });
  after(async () => {
    await store?.close();
    await source?.drop();
    await storeDb?.drop();
  });

  const fresh = () => `t${randomBytes(4).toString('hex')}`;
  const customersTable = async (rows: { from: number; to: number; at: string; tenant?: string }[]) => {
    const table = fresh();
    await source.exec(`CREATE TABLE ${table} (customer_id bigint PRIMARY KEY, f_name varchar(100), email varchar(200), b_date varchar(40), ext_id varchar(40), updated_at ${source.timestampType} NOT NULL, user_id varchar(40) NOT NULL)`);
    for (const r of rows) await fill(table, r);
    return table;
  };
  const fill = (table: string, r: { from: number; to: number; at: string; tenant?: string }) =>
    source.exec(
      `INSERT INTO ${table} (customer_id, f_name, email, b_date, ext_id, updated_at, user_id)
       SELECT n, CONCAT('Name ', n), CONCAT('c', n, '@example.com'), '1990-02-03', CONCAT('x', n), TIMESTAMP '${r.at}', '${r.tenant ?? 'acme'}' FROM (${source.numbers(r.from, r.to)}) nums`,
    );
  const job = async (fields: Partial<ImportJob> & { query: string; mode: 'id' | 'date'; cursorColumn: string }): Promise<ImportJob> => {
    const workspace = fields.workspace ?? fresh();
    await createWorkspace(store, workspace);
    const parsed = parseImportJob({ name: fresh(), workspace, source: { name: 'shop', dialect: source.dialect, url: source.url }, entity: 'customers', ...fields });
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
    return parsed.value;
  };
  const run = async (j: ImportJob, sqlSource: SqlSource = source.open()) => {
    try {
      return await runImportJob(j, { store, source: sqlSource });
    } finally {
      await sqlSource.close();
    }
  };
  const profiles = async (workspace: string) => Number((await store.query<{ n: string }>("SELECT count(*) AS n FROM customers WHERE workspace_id = $1", [workspace])).rows[0]!.n);
  const events = async (workspace: string) => Number((await store.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE workspace_id = $1', [workspace])).rows[0]!.n);
  const byId = (table: string) => `SELECT customer_id AS local_id, f_name AS first_name, email, b_date AS birth_date, updated_at FROM ${table} WHERE customer_id > {$last_id}`;
  const byDate = (table: string) => `SELECT customer_id AS local_id, f_name AS first_name, updated_at FROM ${table} WHERE updated_at >= {$last_date}`;

  test('conformance: a cursor value is bound, timestamps and big ids come back as exact text', async () => {
    const table = await customersTable([{ from: 1, to: 3, at: '2026-03-04 05:06:07.123456' }]);
    const s = source.open();
    try {
      const p = s.dialect === 'postgres' ? ['$1', '$2'] : ['?', '?'];
      const rows = await s.query(`SELECT customer_id, updated_at FROM ${table} WHERE customer_id > ${p[0]} ORDER BY customer_id`, ['1']);
      assert.deepEqual(rows.map((r) => [String(r.customer_id), r.updated_at]), [['2', '2026-03-04 05:06:07.123456'], ['3', '2026-03-04 05:06:07.123456']]);
      const hostile = "'; DROP TABLE " + table + '; --';
      assert.deepEqual(await s.query(`SELECT customer_id FROM ${table} WHERE f_name = ${p[0]} OR email = ${p[1]}`, [hostile, hostile]), []);
      assert.equal(await source.count(table), 3);
    } finally {
      await s.close();
    }
  });

  test('incremental by id: each run reads only what is new, in packs', async () => {
    const table = await customersTable([{ from: 1, to: 25, at: '2026-01-01 10:00:00' }]);
    const j = await job({ query: byId(table), mode: 'id', cursorColumn: 'local_id', packSize: 10 });
    const first = await run(j);
    assert.deepEqual([first.status, first.packs, first.rowsRead, first.rowsStored, first.cursor?.value], ['succeeded', 3, 25, 25, '25']);
    await fill(table, { from: 26, to: 30, at: '2026-01-01 11:00:00' });
    const second = await run(j);
    assert.deepEqual([second.rowsRead, second.rowsStored, second.cursor?.value], [5, 5, '30']);
    const third = await run(j);
    assert.deepEqual([third.rowsRead, third.packs, third.cursor?.value], [0, 0, '30']);
    assert.equal(await profiles(j.workspace), 30);
    const fields = await store.query<{ name: string; value: string }>(
      'SELECT name, value FROM profile_fields WHERE workspace_id = $1 AND customer_key = $2 ORDER BY name',
      [j.workspace, 'sql:shop:27'],
    );
    assert.deepEqual(fields.rows.map((r) => [r.name, r.value]), [['birth_date', '1990-02-03'], ['email', 'c27@example.com'], ['first_name', 'Name 27']]);
  });

  test('by date: 50,000 rows sharing one timestamp across packs of 10,000 are each stored exactly once', async () => {
    const table = await customersTable([{ from: 1, to: 50_000, at: '2026-02-01 00:00:00' }]);
    const j = await job({ query: byDate(table), mode: 'date', cursorColumn: 'updated_at', packSize: 10_000 });
    const first = await run(j);
    assert.deepEqual([first.status, first.rowsRead, first.rowsStored, first.rowsUnchanged], ['succeeded', 50_000, 50_000, 0]);
    assert.equal(await profiles(j.workspace), 50_000);
    // A late row at the same timestamp is found; nothing already stored is read again.
    await fill(table, { from: 50_001, to: 50_001, at: '2026-02-01 00:00:00' });
    const second = await run(j);
    assert.deepEqual([second.rowsRead, second.rowsStored, second.cursor?.key], [1, 1, '50001']);
    assert.equal(await events(j.workspace), 50_001);
  });

  test('a run that dies mid-way resumes after its last stored pack: no loss, no duplicate', async () => {
    const table = await customersTable([1, 2, 3, 4, 5].map((h) => ({ from: h * 1000 - 999, to: h * 1000 - 500, at: `2026-03-01 0${h}:00:00` })));
    const j = await job({ query: byDate(table), mode: 'date', cursorColumn: 'updated_at', packSize: 300 });
    const real = source.open();
    let reads = 0;
    const dying: SqlSource = {
      dialect: real.dialect,
      query: async (sql, params) => {
        if (++reads === 4) throw new Error('connection reset by peer');
        return real.query(sql, params);
      },
      close: () => real.close(),
    };
    const broken = await run(j, dying);
    assert.deepEqual([broken.status, broken.rowsStored, broken.error], ['failed', 900, 'connection reset by peer']);
    const resumed = await run(j);
    assert.deepEqual([resumed.status, resumed.rowsRead, resumed.rowsStored, resumed.rowsUnchanged], ['succeeded', 1600, 1600, 0]);
    assert.equal(await profiles(j.workspace), 2500);
    assert.equal(await events(j.workspace), 2500);
  });

  test('a store failure while the cursor advances rolls its pack back: the resumed run stores that pack once', async () => {
    const table = await customersTable([{ from: 1, to: 30, at: '2026-01-01 10:00:00' }]);
    const j = await job({ query: byId(table), mode: 'id', cursorColumn: 'local_id', packSize: 10 });
    // The store refuses the cursor of the second pack (a real trigger in the real store).
    const trigger = `refuse_${j.name}`;
    await store.query(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.job = '${j.name}' AND NEW.cursor_value = '20' THEN RAISE EXCEPTION 'cursor write refused by the test'; END IF; RETURN NEW; END $$`);
    await store.query(`CREATE TRIGGER ${trigger} BEFORE INSERT OR UPDATE ON sql_import_cursors FOR EACH ROW EXECUTE FUNCTION ${trigger}()`);
    try {
      const broken = await run(j);
      assert.deepEqual([broken.status, broken.rowsStored, broken.cursor?.value], ['failed', 10, '10']);
      assert.match(broken.error ?? '', /cursor write refused/);
      // The pack whose cursor failed left nothing behind: not its events, not its profiles.
      assert.equal(await events(j.workspace), 10);
      assert.equal(await profiles(j.workspace), 10);
    } finally {
      await store.query(`DROP TRIGGER ${trigger} ON sql_import_cursors`);
    }
    const resumed = await run(j);
    assert.deepEqual([resumed.status, resumed.rowsRead, resumed.rowsStored, resumed.rowsUnchanged], ['succeeded', 20, 20, 0]);
    assert.equal(await events(j.workspace), 30);
    assert.equal(await profiles(j.workspace), 30);
  });

  test('a second run of a job while one is going (another process, say) reads nothing and says why', async () => {
    const table = await customersTable([{ from: 1, to: 30, at: '2026-01-01 10:00:00' }]);
    const j = await job({ query: byId(table), mode: 'id', cursorColumn: 'local_id', packSize: 10 });
    const real = source.open();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstRead!: () => void;
    const reading = new Promise<void>((resolve) => (firstRead = resolve));
    const slow: SqlSource = {
      dialect: real.dialect,
      query: async (sql, params) => {
        firstRead();
        await held;
        return real.query(sql, params);
      },
      close: () => real.close(),
    };
    const first = run(j, slow);
    await reading;
    const second = await run(j);
    assert.equal(second.status, 'failed');
    assert.match(second.error ?? '', /of this job is going/);
    assert.equal(second.rowsRead, 0);
    release();
    assert.deepEqual([(await first).status, (await first).rowsStored], ['succeeded', 30]);
    assert.equal(await events(j.workspace), 30);
    const third = await run(j);
    assert.deepEqual([third.status, third.rowsRead], ['succeeded', 0]);
  });

  test('a look-back window finds rows committed late with an earlier date, and stores nothing twice', async () => {
    const table = await customersTable([{ from: 1, to: 20, at: '2026-04-01 12:00:00' }]);
    const j = await job({ query: byDate(table), mode: 'date', cursorColumn: 'updated_at', packSize: 8 });
    assert.equal((await run(j)).rowsStored, 20);
    await fill(table, { from: 21, to: 22, at: '2026-04-01 11:30:00' });
    assert.equal((await run(j)).rowsRead, 0, 'without a window the late rows sit behind the cursor');
    const late = await run({ ...j, lookBack: 3600 });
    assert.deepEqual([late.status, late.rowsRead, late.rowsStored, late.rowsUnchanged, late.cursor?.key], ['succeeded', 22, 2, 20, '20']);
    assert.equal(await events(j.workspace), 22);
  });

  test("a query written as in the seed, ending with ';' or with a line comment, runs", async () => {
    const table = await customersTable([{ from: 1, to: 3, at: '2026-01-01 10:00:00' }]);
    for (const ending of [';', ' -- members only\n']) {
      const j = await job({ query: `SELECT customer_id AS local_id, f_name AS first_name FROM ${table} WHERE customer_id > {$last_id}${ending}`, mode: 'id', cursorColumn: 'local_id' });
      const report = await run(j);
      assert.deepEqual([report.status, report.rowsStored, report.error], ['succeeded', 3, null], JSON.stringify(ending));
    }
  });

  test('a cursor value trying SQL injection is only a value', async () => {
    const table = await customersTable([{ from: 1, to: 5, at: '2026-01-01 10:00:00' }]);
    const j = await job({ query: `SELECT ext_id AS local_id, f_name AS first_name FROM ${table} WHERE ext_id > {$cursor}`, mode: 'id', cursorColumn: 'local_id' });
    await store.query('INSERT INTO sql_import_cursors (workspace_id, job, cursor_value) VALUES ($1, $2, $3)', [j.workspace, j.name, `'; DROP TABLE ${table}; --`]);
    const report = await run(j);
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assert.equal(await source.count(table), 5);
  });

  test('by date over a serial column: the first run reads from the start, or says why it cannot', async () => {
    const table = fresh();
    await source.exec(`CREATE TABLE ${table} (customer_id bigint PRIMARY KEY, f_name varchar(100), ver bigint NOT NULL)`);
    await source.exec(`INSERT INTO ${table} VALUES (1, 'A', 5), (2, 'B', 1969), (3, 'C', 1970), (4, 'D', 2500)`);
    const query = `SELECT customer_id AS local_id, f_name AS first_name, ver FROM ${table} WHERE ver >= {$last_date}`;
    const first = await run(await job({ query, mode: 'date', cursorColumn: 'ver', packSize: 2 }));
    if (source.dialect === 'mysql') {
      // MySQL compares the number with the default's text as a number: with 1970-01-01 it skipped the first three rows.
      assert.deepEqual([first.status, first.rowsRead, first.rowsStored, first.cursor?.value], ['succeeded', 4, 4, '2500']);
    } else {
      assert.equal(first.status, 'failed');
      assert.match(first.error ?? '', /bigint/);
      assert.equal(first.rowsRead, 0);
    }
    const fromZero = await run(await job({ query, mode: 'date', cursorColumn: 'ver', packSize: 2, startFrom: '0' }));
    assert.deepEqual([fromZero.status, fromZero.rowsRead, fromZero.rowsStored], ['succeeded', 4, 4]);
  });

  test('the tenant filter reads only the tenant\'s rows', async () => {
    const table = await customersTable([
      { from: 1, to: 10, at: '2026-01-01 10:00:00', tenant: 'acme' },
      { from: 11, to: 30, at: '2026-01-01 10:00:00', tenant: 'other' },
    ]);
    const query = `SELECT customer_id AS local_id, f_name AS first_name, user_id FROM ${table} WHERE customer_id > {$last_id}`;
    const j = await job({ query, mode: 'id', cursorColumn: 'local_id', packSize: 4, tenant: { column: 'user_id', value: 'acme' } });
    const reader = source.open();
    try {
      // the count a progress bar starts from: the same filter, after the same cursor
      assert.equal(await countRowsAfter(reader, packSpecOf(j), null, '0'), 10);
      assert.equal(await countRowsAfter(reader, packSpecOf(j), { value: '4', key: null }, '0'), 6);
    } finally {
      await reader.close();
    }
    const report = await run(j);
    assert.deepEqual([report.rowsRead, report.rowsStored, report.cursor?.value], [10, 10, '10']);
  });

  test('rejected rows are reported with their reasons and do not stop the run', async () => {
    const table = await customersTable([{ from: 1, to: 6, at: '2026-01-01 10:00:00' }]);
    await source.exec(`UPDATE ${table} SET ext_id = NULL WHERE customer_id = 2`);
    await source.exec(`UPDATE ${table} SET b_date = '31.02.1990' WHERE customer_id = 4`);
    const query = `SELECT customer_id AS row_id, ext_id AS local_id, b_date AS birth_date FROM ${table} WHERE customer_id > {$last_id}`;
    const j = await job({ query, mode: 'id', cursorColumn: 'row_id', packSize: 4 });
    const report = await run(j);
    assert.deepEqual([report.status, report.rowsRead, report.rowsStored, report.rowsRejected], ['succeeded', 6, 4, 2]);
    assert.deepEqual(report.rejections, [
      { key: null, reason: 'missing local_id' },
      { key: 'x4', reason: 'unparseable birth_date "31.02.1990"' },
    ]);
  });

  return { store: () => store, source: () => source, customersTable, job, run: (j) => run(j) };
}
