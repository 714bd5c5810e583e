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
import { balanceMismatches, queuedItems, waitForDrained } from './support/bonus-api.ts';
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
