import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { acceptCommand } from '../src/bonus/accept-commands.ts';
import { startBonusWorker } from '../src/bonus/bonus-worker.ts';
import { readCommandOutcome } from '../src/bonus/commands-table.ts';
import { validateAddItem } from '../src/bonus/validate-command.ts';
import type { Store } from '../src/store/db.ts';
import { openStore } from '../src/store/open-store.ts';
import { balanceMismatches, queuedItems, startExtraWorkers, waitForDrained } from './support/bonus-api.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

// A command the worker cannot process, whatever the reason, must not hold up
// the commands behind it: after a few attempts on its own it is recorded as
// failed (processingError) and the queue moves on.
let database: TestDatabase;
let store: Store;

before(async () => {
  database = await createTestDatabase();
  store = await openStore({ databaseUrl: database.url, dataDir: '/nonexistent' });
});
after(async () => {
  await store.close();
  await database.drop();
});

const accept = (items: Array<Record<string, unknown>>, corrupt?: (verdict: ReturnType<typeof validateAddItem>) => void) => {
  const verdicts = items.map((raw) => validateAddItem(raw));
  if (corrupt) verdicts.forEach(corrupt);
  return acceptCommand(store, 'default', { typeOfCommand: 'addCustomerPointMessage', verdicts });
};

test('a command that keeps failing is recorded as failed and the commands behind it are processed', async () => {
  const first = await accept([{ guid: randomUUID(), uniqId: 'w-1', amount: 10 }]);
  // An item no validation would let through (an amount PostgreSQL refuses), as if the stored queue were damaged.
  const poison = await accept([{ guid: randomUUID(), uniqId: 'w-2', amount: 20 }], (v) => {
    if (v.queued?.kind === 'add' && v.queued.item.accrual) v.queued.item.accrual.amount = 'not a number';
  });
  const last = await accept([{ guid: randomUUID(), uniqId: 'w-3', amount: 30 }]);

  const worker = startBonusWorker({ batchSize: 100, pollMs: 5, maxAttempts: 2, retryMaxDelayMs: 20 }, { store, log: pino({ level: 'silent' }) });
  try {
    await waitForDrained(store);
  } finally {
    await worker.stop();
  }
  assert.equal(await queuedItems(store), 0);
  const statusOf = async (commandId: string) => (await readCommandOutcome(store, 'default', commandId))!.results[0]!;
  assert.equal((await statusOf(first.commandId)).status, 'Success');
  assert.equal((await statusOf(last.commandId)).status, 'Success');
  const failed = await statusOf(poison.commandId);
  assert.equal(failed.status, 'Failure');
  assert.equal(failed.error?.typeOfError, 'processingError');
  const ledger = await store.query<{ uniq_id: string }>('SELECT uniq_id FROM bonus_operations ORDER BY uniq_id');
  assert.deepEqual(ledger.rows.map((r) => r.uniq_id), ['w-1', 'w-3']);
  assert.deepEqual(await balanceMismatches(store), []);
});

test('three workers over two workspaces: each workspace gets exactly its own accruals, once', async () => {
  await createWorkspace(store, 'second');
  const expected = new Map<string, number>();
  for (let c = 0; c < 30; c++) {
    for (const workspace of ['default', 'second']) {
      const items = Array.from({ length: 20 }, (_, i) => ({ guid: randomUUID(), uniqId: `two-${(c + i) % 7}`, amount: workspace === 'default' ? 1 : 2 }));
      for (const it of items) expected.set(`${workspace}|${it.uniqId}`, (expected.get(`${workspace}|${it.uniqId}`) ?? 0) + it.amount);
      await acceptCommand(store, workspace, { typeOfCommand: 'addCustomerPointMessage', verdicts: items.map((raw) => validateAddItem(raw)) });
    }
  }
  const workers = startExtraWorkers(store, 3, 25);
  try {
    await waitForDrained(store, 60_000);
  } finally {
    await workers.stop();
  }
  const balances = await store.query<{ workspace_id: string; uniq_id: string; balance: string }>(
    "SELECT workspace_id, uniq_id, balance::text AS balance FROM bonus_customers WHERE uniq_id LIKE 'two-%'",
  );
  const got = new Map(balances.rows.map((r) => [`${r.workspace_id}|${r.uniq_id}`, Number(r.balance)]));
  assert.deepEqual(new Map([...got].sort()), new Map([...expected].sort()));
  const operations = await store.query<{ n: string; guids: string }>("SELECT count(*) AS n, count(DISTINCT guid) AS guids FROM bonus_operations WHERE uniq_id LIKE 'two-%'");
  assert.equal(Number(operations.rows[0]!.n), 1200);
  assert.equal(Number(operations.rows[0]!.guids), 1200);
  assert.deepEqual(await balanceMismatches(store), []);
  // Each account's profile event landed in its own workspace, once.
  const profiles = await store.query<{ workspace_id: string; n: string }>(
    "SELECT workspace_id, count(*) AS n FROM customers WHERE customer_key LIKE 'bonus:two-%' GROUP BY workspace_id ORDER BY workspace_id",
  );
  assert.deepEqual(profiles.rows.map((r) => [r.workspace_id, Number(r.n)]), [['default', 7], ['second', 7]]);
});
