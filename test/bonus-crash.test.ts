import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startService, type RunningService } from '../src/bin/service.ts';
import { loadConfig } from '../src/config/config.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/db.ts';
import { createApiKey } from '../src/workspaces/api-keys.ts';
import { balanceMismatches, bonusClient, item, queuedItems, waitForDrained } from './support/bonus-api.ts';
import { deleteTopology, TEST_AMQP_URL, uniqueTopology } from './support/test-broker.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';
import { freePort } from './support/free-port.ts';
import { spawnService, type ServiceProcess } from './support/service-process.ts';
import { waitFor } from './support/wait-for.ts';

// "A command that passes is stored durably before the answer": smartcom runs
// as a real process that is SIGKILLed, once right after answering, once in
// the middle of the background processing. A fresh process then finishes the
// work, and every accepted accrual is in the ledger exactly once.
const topology = uniqueTopology('smcbonus');
let database: TestDatabase;
let store: Store;
let apiKey: string;
const running: ServiceProcess[] = [];

before(async () => {
  database = await createTestDatabase();
  store = await openStore({ databaseUrl: database.url, dataDir: '/nonexistent' });
  apiKey = (await createApiKey(store, 'default', 'crash test')).key;
});
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  await store.close();
  await deleteTopology(topology);
  await database.drop();
});

/** `smartcom serve` in a child process, answering HTTP. */
async function startChild(env: Record<string, string>): Promise<{ child: ServiceProcess; url: string }> {
  const port = await freePort();
  const child = spawnService({ databaseUrl: database.url, topology, env: { PORT: String(port), ...env } });
  running.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`child on ${url}: ${child.output()}`, async () => (await fetch(`${url}/healthz`)).ok, 30_000);
  return { child, url };
}

async function startInProcess(): Promise<RunningService> {
  const config = loadConfig({}, { databaseUrl: database.url, amqpUrl: TEST_AMQP_URL, httpHost: '127.0.0.1', httpPort: 0, ...topologyConfig(), bonusPollMs: 10 });
  return startService(config, pino({ level: 'silent' }));
}

const topologyConfig = () => ({ loymaxExchange: topology.exchange, loymaxQueue: topology.queue, loymaxErrorQueue: topology.errorQueue });

const commandOf = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => item({ uniqId: `${prefix}-${i % 250}`, amount: (i % 9) + 1 }));
const sumOf = (items: Array<Record<string, unknown>>) => items.reduce((sum, x) => sum + Number(x.amount), 0);

async function ledgerOf(prefix: string): Promise<{ operations: number; guids: number; amount: number }> {
  const result = await store.query<{ operations: number; guids: number; amount: string | null }>(
    `SELECT count(*)::int AS operations, count(DISTINCT guid)::int AS guids, sum(amount)::text AS amount
       FROM bonus_operations WHERE uniq_id LIKE $1`,
    [`${prefix}-%`],
  );
  const row = result.rows[0]!;
  return { operations: row.operations, guids: row.guids, amount: Number(row.amount ?? 0) };
}

test('killed right after answering: the accepted items are processed by the next process', async () => {
  const { child, url } = await startChild({ BONUS_WORKER: 'false' });
  const items = commandOf('after-answer', 1000);
  const answer = await bonusClient(url, apiKey).add(items);
  assert.equal(answer.status, 200);
  await child.stop('SIGKILL');
  assert.equal(await queuedItems(store), 1000);

  const next = await startInProcess();
  try {
    await waitForDrained(store);
  } finally {
    await next.stop();
  }
  assert.deepEqual(await ledgerOf('after-answer'), { operations: 1000, guids: 1000, amount: sumOf(items) });
  assert.deepEqual(await balanceMismatches(store), []);
});

test('killed in the middle of processing: nothing is lost and nothing is accrued twice', async () => {
  // Fill the queue first (worker off), then let a worker with small batches start on it and kill it mid-way.
  const filler = await startChild({ BONUS_WORKER: 'false' });
  const client = bonusClient(filler.url, apiKey);
  const commands = Array.from({ length: 8 }, () => commandOf('mid-way', 1000));
  for (const items of commands) assert.equal((await client.add(items)).status, 200);
  await filler.child.stop('SIGKILL');

  const worker = await startChild({ BONUS_BATCH_SIZE: '100', BONUS_POLL_MS: '10' });
  await waitFor('some items processed', async () => (await queuedItems(store)) < 8000, 30_000, 5);
  await worker.child.stop('SIGKILL');
  const leftAfterKill = await queuedItems(store);

  const next = await startInProcess();
  try {
    await waitForDrained(store);
  } finally {
    await next.stop();
  }
  const all = commands.flat();
  assert.deepEqual(await ledgerOf('mid-way'), { operations: all.length, guids: all.length, amount: sumOf(all) });
  assert.deepEqual(await balanceMismatches(store), []);
  assert.ok(leftAfterKill < 8000, `the first worker had done some of the work (${8000 - leftAfterKill} items)`);
});
