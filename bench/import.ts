// SQL import benchmark (`npm run bench:import`): a retailer's customers
// table of 1,000,000 rows imported from PostgreSQL and from MariaDB into the
// profile store (PostgreSQL), beside two references measured in the same
// run with the same drivers: the raw streaming read of the same SELECT, and
// the raw batched upsert of the same rows into a plain table of the store.
//
//   BENCH_ROWS       customer rows per source (default 1,000,000)
//   BENCH_SOURCES    comma-separated: postgres, mariadb (default both)
//   TEST_PG_URL, TEST_MARIADB_URL   the servers (defaults: the local ones the tests use)
//
// Each source runs in a child process of its own, the import first, so the
// peak RSS sampled during the import is the import's and not what an earlier
// measurement left in the heap. The last lines of stdout are one JSON object
// per source:
// {"bench":"import","source":…,"rowsPerSec":…,"rawReadPerSec":…,"rawUpsertPerSec":…,"ratio":…,"peakRssMb":…}
import { spawn } from 'node:child_process';
import pg from 'pg';
import { parseImportJob } from '../src/imports/job-config.ts';
import { runImportJob } from '../src/imports/run-import-job.ts';
import { openSqlSource } from '../src/ingest/sql/open-sql-source.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { describeMachine, positiveIntFromEnv, rate, runBench, type BenchRun } from './lib/bench-harness.ts';
import { createCustomerSource, type BenchDialect } from './lib/customer-source.ts';
import { createRawCustomersTable, rawSelect, streamRows, upsertRawCustomers } from './lib/raw-sql-references.ts';

const rows = positiveIntFromEnv('BENCH_ROWS', 1_000_000);
const PACK_SIZE = 10_000;
const SOURCES: Record<string, BenchDialect> = { postgres: 'postgres', mariadb: 'mysql' };
const CHILD_ENV = 'BENCH_IMPORT_SOURCE';

interface SourceFigures {
  bench: 'import';
  source: string;
  rowsPerSec: number;
  rawReadPerSec: number;
  rawUpsertPerSec: number;
  ratio: number;
  peakRssMb: number;
}

const childSource = process.env[CHILD_ENV];
if (childSource) await runBench('import', (run) => measureSource(run, childSource));
else await runBench('import', runEverySource);

/** Parent: one child per source, their JSON lines repeated together at the end. */
async function runEverySource(): Promise<void> {
  const sources = (process.env.BENCH_SOURCES ?? 'postgres,mariadb').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of sources) if (!SOURCES[s]) throw new Error(`BENCH_SOURCES: unknown source "${s}" (postgres, mariadb)`);
  console.log(`machine: ${describeMachine()}`);
  console.log(`${rate(rows)} customer rows per source, packs of ${rate(PACK_SIZE)}`);
  const figures: string[] = [];
  for (const source of sources) {
    const lines = await runChild(source);
    const json = lines.filter((line) => line.startsWith('{"bench":"import"'));
    if (json.length !== 1) throw new Error(`the ${source} run printed no figures`);
    figures.push(json[0]!);
  }
  console.log('');
  for (const line of figures) console.log(line);
}

function runChild(source: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!], { env: { ...process.env, [CHILD_ENV]: source }, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        if (!line.startsWith('{"bench"')) console.log(line);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`the ${source} run exited with ${code}`))));
  });
}

/** Child: fill the source, import it, then the two references; print the figures. */
async function measureSource({ undo }: BenchRun, sourceName: string): Promise<void> {
  const dialect = SOURCES[sourceName]!;
  console.log(`\n== ${sourceName}`);
  let t0 = performance.now();
  const source = await createCustomerSource(dialect, rows);
  undo(() => source.drop());
  console.log(`source filled with ${rate(rows)} rows in ${seconds(t0)} s`);

  const imported = await measureImport(undo, sourceName, dialect, source.url, source.query);
  console.log(`import (runImportJob, packs of ${rate(PACK_SIZE)}): ${rate(imported.perSecond)} rows/s (${imported.seconds.toFixed(1)} s), peak RSS ${imported.peakRssMb.toFixed(0)} MB`);

  t0 = performance.now();
  const readCount = await streamRows(dialect, source.url, rawSelect(source.query), () => {});
  const rawReadPerSec = readCount / ((performance.now() - t0) / 1000);
  console.log(`raw streaming read (${dialect === 'postgres' ? 'pg-cursor' : 'mysql2 query stream'}): ${rate(rawReadPerSec)} rows/s`);
  if (readCount !== rows) throw new Error(`the raw read saw ${readCount} rows, expected ${rows}`);

  const rawUpsertPerSec = await measureRawUpsert(undo, dialect, source.url, source.query);
  console.log(`raw batched upsert into the store (json_to_recordset, ON CONFLICT): ${rate(rawUpsertPerSec)} rows/s (upsert time only)`);

  const slower = Math.min(rawReadPerSec, rawUpsertPerSec);
  const ratio = imported.perSecond / slower;
  console.log(`ratio: ${(ratio * 100).toFixed(1)}% of the slower reference (${slower === rawReadPerSec ? 'read' : 'upsert'})`);
  const figures: SourceFigures = {
    bench: 'import',
    source: sourceName,
    rowsPerSec: Math.round(imported.perSecond),
    rawReadPerSec: Math.round(rawReadPerSec),
    rawUpsertPerSec: Math.round(rawUpsertPerSec),
    ratio: Number(ratio.toFixed(3)),
    peakRssMb: Number(imported.peakRssMb.toFixed(1)),
  };
  console.log(JSON.stringify(figures));
}

async function measureImport(undo: BenchRun['undo'], sourceName: string, dialect: BenchDialect, url: string, query: string) {
  const database = await createTestDatabase('smartcom_bench_store');
  undo(() => database.drop());
  const store = openPostgresStore(database.url, 4);
  undo(() => store.close());
  await migrate(store);
  await createWorkspace(store, 'bench');
  const parsed = parseImportJob({ name: `bench-${sourceName}`, workspace: 'bench', source: { name: 'shop', dialect, url }, entity: 'customers', query, mode: 'id', cursorColumn: 'local_id', packSize: PACK_SIZE });
  if (!parsed.ok) throw new Error(`job: ${parsed.error.join('; ')}`);
  const sqlSource = openSqlSource(parsed.value.source);
  undo(() => sqlSource.close());

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const report = await runImportJob(parsed.value, {
    store,
    source: sqlSource,
    onPack: (p) => {
      if (p.packs % 20 === 0) console.log(`  pack ${p.packs}: ${rate(p.rowsStored)} stored, ${rate(p.rowsStored / ((performance.now() - started) / 1000))} rows/s, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
    },
  });
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  // Correctness in passing: every row a profile, an event, and its fields.
  if (report.status !== 'succeeded') throw new Error(`the import failed: ${report.error}`);
  const count = async (sql: string) => Number((await store.query<{ n: string }>(sql)).rows[0]!.n);
  const profiles = await count("SELECT count(*) AS n FROM customers WHERE workspace_id = 'bench'");
  const events = await count("SELECT count(*) AS n FROM events WHERE workspace_id = 'bench'");
  const emails = await count("SELECT count(*) AS n FROM profile_fields WHERE workspace_id = 'bench' AND name = 'email' AND value IS NOT NULL");
  if (report.rowsStored !== rows || profiles !== rows || events !== rows) {
    throw new Error(`import stored ${report.rowsStored} rows, ${profiles} profiles, ${events} events; expected ${rows} each`);
  }
  console.log(`import check: ${rate(profiles)} profiles, ${rate(events)} events, ${rate(emails)} e-mail fields, ${report.rowsRejected} rejected`);
  return { seconds: elapsed, perSecond: rows / elapsed, peakRssMb: peakRss / 2 ** 20 };
}

/** The same rows, streamed from the source as in the raw read, upserted in packs; only the upserts are timed. */
async function measureRawUpsert(undo: BenchRun['undo'], dialect: BenchDialect, url: string, query: string): Promise<number> {
  const database = await createTestDatabase('smartcom_bench_raw');
  undo(() => database.drop());
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  undo(() => pool.end());
  await createRawCustomersTable(pool);
  let upsertMs = 0;
  const count = await streamRows(dialect, url, rawSelect(query), async (pack) => {
    const t0 = performance.now();
    await upsertRawCustomers(pool, pack);
    upsertMs += performance.now() - t0;
  });
  return count / (upsertMs / 1000);
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
