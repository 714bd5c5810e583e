// Bonus command benchmark (`npm run bench:bonus`): a partner sends
// addCustomerPointMessage commands of 1,000 items, one after the other, until
// 200,000 accruals; smartcom answers each at once and accrues in the
// background. Measured: the synchronous answer time per command (p50, p99),
// the background accruals per second (first command sent to last accrual
// committed), and, in the same run and database, the raw batched-insert rate
// of the ledger table (the same INSERT the worker uses, 1,000 rows a
// statement, without rules, customers or balances) for comparison.
//
//   BENCH_ACCRUALS            accruals in all (default 200,000)
//   BENCH_ITEMS_PER_COMMAND   items per command (default 1,000)
//   BENCH_CUSTOMERS           distinct customers (default 50,000; the first command naming one creates it)
//   BENCH_CHILD_NODE_ARGS     extra node flags for the smartcom process
//   TEST_PG_URL               the PostgreSQL server (default: the local one the tests use)
//
// smartcom runs as a child process (`smartcom serve`, worker settings from
// this environment: BONUS_BATCH_SIZE...). The last line of stdout is JSON.
import { randomUUID } from 'node:crypto';
import { insertOperations } from '../src/bonus/ledger-table.ts';
import type { PlannedAccrual } from '../src/bonus/plan-batch.ts';
import { validateAddItem } from '../src/bonus/validate-command.ts';
import type { Store } from '../src/store/db.ts';
import { openStore } from '../src/store/open-store.ts';
import { createApiKey } from '../src/workspaces/api-keys.ts';
import { seedExampleItem } from '../test/fixtures/bonus/seed-example.ts';
import { balanceMismatches, bonusClient, queuedItems } from '../test/support/bonus-api.ts';
import { freePort } from '../test/support/free-port.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { waitFor } from '../test/support/wait-for.ts';
import { describeMachine, positiveIntFromEnv, rate, runBench, type BenchRun } from './lib/bench-harness.ts';
import { readCpuSeconds, spawnSmartcom } from './lib/smartcom-process.ts';

const accruals = positiveIntFromEnv('BENCH_ACCRUALS', 200_000);
const perCommand = positiveIntFromEnv('BENCH_ITEMS_PER_COMMAND', 1000);
const customers = positiveIntFromEnv('BENCH_CUSTOMERS', 50_000);
const childNodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

await runBench('bonus', run);

async function run({ undo }: BenchRun): Promise<void> {
  const machine = describeMachine();
  console.log(`machine: ${machine}`);
  console.log(`${rate(accruals)} accruals in commands of ${rate(perCommand)} items for ${rate(customers)} customers`);

  const database = await createTestDatabase('smartcom_bonus_bench');
  undo(() => database.drop());
  const store = await openStore({ databaseUrl: database.url, dataDir: '/nonexistent' });
  undo(() => store.close());

  const rawInsertPerSec = await measureRawInsert(store);
  console.log(`raw batched insert into bonus_operations: ${rate(rawInsertPerSec)} rows/s`);

  const port = await freePort();
  const child = spawnSmartcom(
    { ...process.env, DATABASE_URL: database.url, AMQP_URL: '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
    childNodeArgs,
  );
  undo(() => child.stop(5000));
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([waitFor('smartcom answering', async () => (await fetch(`${url}/healthz`)).ok, 60_000), child.diedEarly]);
  const api = bonusClient(url, (await createApiKey(store, 'default', 'bench')).key);

  // Warm-up (JIT, connection pool, plan caches), not timed, then an empty ledger.
  await api.add(commandItems(0, Math.min(perCommand, 100)));
  await waitFor('warm-up processed', async () => (await queuedItems(store)) === 0, 60_000);
  await store.query('TRUNCATE bonus_operations, bonus_messages, bonus_customers, bonus_applied_guids, bonus_commands');
  await store.query("DELETE FROM customers WHERE source = 'bonus'");

  const started = performance.now();
  const cpuAtStart = readCpuSeconds(child.pid) ?? 0;
  const answerMs: number[] = [];
  let expected = 0;
  for (let sent = 0; sent < accruals; sent += perCommand) {
    const items = commandItems(sent, Math.min(perCommand, accruals - sent));
    for (const x of items) expected += Number(x.amount);
    const t0 = performance.now();
    const answer = await api.add(items);
    answerMs.push(performance.now() - t0);
    if (answer.status !== 200 || answer.body.results.some((r: { status: string }) => r.status !== 'Success')) {
      throw new Error(`command refused: ${JSON.stringify(answer.body).slice(0, 500)}`);
    }
  }
  const sentAt = performance.now();
  await Promise.race([waitFor('every accrual processed', async () => (await queuedItems(store)) === 0, 600_000, 20), child.diedEarly]);
  const finished = performance.now();
  const cpuSeconds = (readCpuSeconds(child.pid) ?? 0) - cpuAtStart;

  const seconds = (finished - started) / 1000;
  const accrualsPerSec = accruals / seconds;
  const workerSpan = await processingSpan(store);
  const [p50, p99] = [percentile(answerMs, 0.5), percentile(answerMs, 0.99)];

  // Correctness in passing.
  const ledger = (await store.query<{ n: number; total: string }>('SELECT count(*)::int AS n, sum(amount)::text AS total FROM bonus_operations')).rows[0];
  if (ledger?.n !== accruals) console.log(`WARNING: the ledger holds ${ledger?.n} operations, ${accruals} were sent`);
  if (Math.abs(Number(ledger?.total) - expected) > 0.01) console.log(`WARNING: the ledger sums to ${ledger?.total}, ${expected} was sent`);
  if ((await balanceMismatches(store)).length > 0) console.log('WARNING: some balances differ from their ledger sums');

  const exit = await child.stop();
  if (exit.code !== 0) console.log(`WARNING: smartcom did not stop cleanly on SIGTERM (code ${exit.code}, signal ${exit.signal})`);

  console.log('');
  console.log(`answer per command:  p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...answerMs).toFixed(1)} ms (${answerMs.length} commands of ${perCommand} items)`);
  console.log(`all commands sent in ${((sentAt - started) / 1000).toFixed(2)} s (${rate(accruals / ((sentAt - started) / 1000))} items/s accepted)`);
  console.log(`background accruals: ${rate(accrualsPerSec)}/s (${seconds.toFixed(2)} s from the first command sent to the last accrual committed)`);
  console.log(`worker alone:        ${rate(accruals / workerSpan)}/s (${workerSpan.toFixed(2)} s from its first batch to its last)`);
  console.log(`raw ledger insert:   ${rate(rawInsertPerSec)} rows/s (same statement, no rules, no customers)`);
  console.log(`smartcom CPU:        ${cpuSeconds.toFixed(1)} s in that time (${((100 * cpuSeconds) / seconds).toFixed(0)}% of one core)`);
  console.log(
    JSON.stringify({
      bench: 'bonus',
      accrualsPerSec: Math.round(accrualsPerSec),
      answerP50Ms: Number(p50.toFixed(1)),
      answerP99Ms: Number(p99.toFixed(1)),
      rawInsertPerSec: Math.round(rawInsertPerSec),
      workerAccrualsPerSec: Math.round(accruals / workerSpan),
      accruals,
      itemsPerCommand: perCommand,
      machine,
    }),
  );
}

/** Items shaped like the seed's example; customer i gets phone +7990…i and an e-mail, so no FAQ rule refuses them. */
function commandItems(from: number, count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const c = n % customers;
    return {
      ...seedExampleItem,
      amount: ((n % 997) + 1) / 4,
      guid: randomUUID(),
      email: `customer${c}@bench.example`,
      phone: `+7990${String(c).padStart(7, '0')}`,
      uniqId: `bench-${c}`,
      info: 'bench accrual',
      message: n % 10 === 0 ? seedExampleItem.message : null,
      showTill: '2099-10-23T18:25:43.511Z',
      eventId: String(n),
    };
  });
}

/** The ledger table's own speed: `accruals` rows, 1,000 per INSERT, then emptied again. */
async function measureRawInsert(store: Store): Promise<number> {
  const commandId = randomUUID();
  // The seed example's accrual as the worker would write it.
  const example = validateAddItem(seedExampleItem).queued;
  if (example?.kind !== 'add' || !example.item.accrual) throw new Error('the seed example has no accrual');
  const exampleAccrual = example.item.accrual;
  const row = (n: number): PlannedAccrual => ({
    guid: randomUUID(),
    uniqId: `raw-${n % customers}`,
    requestedUniqId: `raw-${n % customers}`,
    details: { ...exampleAccrual, amount: String(((n % 997) + 1) / 4), eventId: String(n) },
    commandId,
    itemNo: n,
  });
  const started = performance.now();
  for (let n = 0; n < accruals; n += 1000) {
    const rows = Array.from({ length: Math.min(1000, accruals - n) }, (_, k) => row(n + k));
    await insertOperations(store, 'bench-raw', rows, new Date().toISOString());
  }
  const seconds = (performance.now() - started) / 1000;
  await store.query('TRUNCATE bonus_operations');
  return accruals / seconds;
}

/** Seconds between the worker's first and last batch (their commit times are the operations' created_at). */
async function processingSpan(store: Store): Promise<number> {
  const result = await store.query<{ seconds: number }>('SELECT EXTRACT(EPOCH FROM max(created_at) - min(created_at))::float8 AS seconds FROM bonus_operations');
  return Math.max(0.001, Number(result.rows[0]?.seconds ?? 0));
}

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;
}
