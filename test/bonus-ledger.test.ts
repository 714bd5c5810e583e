import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom, pickOne, uuidFromUnique } from '../bench/lib/seeded-random.ts';
import type { QueuedItem } from '../src/bonus/command-types.ts';
import { planBatch, type ClaimedItem } from '../src/bonus/plan-batch.ts';
import { balanceMismatches, bonusClient, startExtraWorkers, waitForDrained, type BonusClient } from './support/bonus-api.ts';
import { startTestService, type TestService } from './support/test-service.ts';

// A randomized mix of 10,000 operations (accruals, repeated guids, phone and
// e-mail changes that collide, messages, blocks, activations) through the HTTP
// API and three workers with small batches. Afterwards every balance equals
// the sum of its ledger operations, and the whole outcome equals one pass of
// the rules over the items in the order they were sent: batching and
// concurrent workers change nothing.
const SEED = 20261121;
let t: TestService;
let api: BonusClient;
let extraWorkers: { stop(): Promise<void> };

before(async () => {
  t = await startTestService({ bonusBatchSize: 137, bonusPollMs: 5 });
  api = bonusClient(t.service.url, t.apiKey);
  extraWorkers = startExtraWorkers(t.service.store, 2, 137);
});
after(async () => {
  await extraWorkers.stop();
  await t.close();
});

/** Commands of the mix: 10 of 950 add items and 10 of 50 block/activate items, interleaved. */
function generateCommands(): unknown[] {
  const random = createRandom(SEED);
  const uniqIds = Array.from({ length: 300 }, (_, i) => `mix-${i}`);
  const phones = Array.from({ length: 150 }, (_, i) => `+7900${String(i).padStart(7, '0')}`);
  const emails = Array.from({ length: 80 }, (_, i) => `user${i}@mix.ru`);
  const sent: Array<Record<string, unknown>> = [];
  let guids = 0;
  const addItem = (): Record<string, unknown> => {
    if (sent.length > 0 && random() < 0.1) return pickOne(sent, random); // a retry: same guid, same content
    const x: Record<string, unknown> = { guid: uuidFromUnique(guids++, SEED), uniqId: pickOne(uniqIds, random) };
    if (random() < 0.35) x.phone = pickOne(phones, random);
    if (random() < 0.25) x.email = pickOne(emails, random);
    const roll = random();
    if (roll < 0.75) x.amount = (Math.floor(random() * 9_999_999) + 1) / 10_000;
    else if (roll < 0.85) x.amount = 0;
    if (random() < 0.2) x.message = `message ${guids}`;
    sent.push(x);
    return x;
  };
  const refItem = () => (random() < 0.7 ? { uniqId: pickOne(uniqIds, random) } : { phone: pickOne(phones, random) });
  const commands: unknown[] = [];
  for (let c = 0; c < 10; c += 1) {
    commands.push({ typeOfCommand: 'addCustomerPointMessage', add: Array.from({ length: 950 }, addItem) });
    commands.push({ typeOfCommand: c % 2 === 0 ? 'blockCustomers' : 'activateCustomers', customers: Array.from({ length: 50 }, refItem) });
  }
  return commands;
}

/** Decimal text to units of 0.0001, exactly. */
function units(decimal: string): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  return BigInt(whole!) * 10_000n + BigInt(fraction.padEnd(4, '0').slice(0, 4));
}

test('after a randomized mix of 10,000 operations, balances equal ledger sums and the rules applied in order', async () => {
  const commands = generateCommands();
  let items = 0;
  // One command after the other: the order they are sent in is the order of the queue.
  for (const command of commands) {
    const answer = await api.command(command);
    assert.equal(answer.status, 200);
    assert.ok(answer.body.results.every((r: any) => r.status === 'Success'));
    items += answer.body.results.length;
  }
  assert.equal(items, 10_000);
  await waitForDrained(t.service.store, 40_000);

  // 1. Every balance is the sum of its operations.
  assert.deepEqual(await balanceMismatches(t.service.store), []);

  // 2. One pass of the rules over all items, in queue order, from nothing, predicts everything.
  const stored = await t.service.store.query<{ command_id: string; seq: number; items: any[]; outcomes: any[] }>(
    "SELECT command_id, seq, items, outcomes FROM bonus_commands WHERE state = 'done' ORDER BY seq",
  );
  const claimed: ClaimedItem[] = stored.rows.flatMap((r) =>
    r.items.map(({ itemNo, ...queued }) => ({ commandId: r.command_id, commandSeq: Number(r.seq), itemNo, queued: queued as QueuedItem })),
  );
  assert.equal(claimed.length, 10_000);
  const oracle = planBatch(claimed, { customers: [], appliedGuids: new Set() }, new Date().toISOString());
  assert.deepEqual(
    stored.rows.flatMap((r) => r.outcomes.map((o) => o.error?.typeOfError ?? 'Success')),
    oracle.outcomes.map((o) => o.error?.typeOfError ?? 'Success'),
  );
  const outcomeKinds = new Set<string>(oracle.outcomes.map((o) => o.error?.typeOfError ?? 'Success'));
  for (const kind of ['Success', 'duplicateGuid', 'phoneBelongsToOtherCustomer', 'customerNotFound']) assert.ok(outcomeKinds.has(kind), `the mix exercised ${kind}`);

  const expectedBalances = new Map<string, bigint>();
  for (const a of oracle.accruals) expectedBalances.set(a.uniqId, (expectedBalances.get(a.uniqId) ?? 0n) + units(a.details.amount));
  const customers = await t.service.store.query<{ uniq_id: string; phone: string | null; email: string | null; status: string; balance: string }>(
    'SELECT uniq_id, phone, email, status, balance::text AS balance FROM bonus_customers ORDER BY uniq_id',
  );
  assert.deepEqual(
    customers.rows.map((c) => [c.uniq_id, c.phone, c.email, c.status, units(c.balance)]),
    oracle.created
      .map((c) => [c.uniqId, c.phone, c.email, c.status, expectedBalances.get(c.uniqId) ?? 0n])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );

  // 3. The ledger holds one operation per successful accruing item, and nothing else.
  const ledger = await t.service.store.query<{ operations: number; guids: number; total: string }>(
    'SELECT count(*)::int AS operations, count(DISTINCT guid)::int AS guids, COALESCE(sum(amount), 0)::text AS total FROM bonus_operations',
  );
  const expectedTotal = [...expectedBalances.values()].reduce((sum, v) => sum + v, 0n);
  assert.deepEqual(ledger.rows[0] && [ledger.rows[0].operations, ledger.rows[0].guids, units(ledger.rows[0].total)], [oracle.accruals.length, oracle.accruals.length, expectedTotal]);
});
