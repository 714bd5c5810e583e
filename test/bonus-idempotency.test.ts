import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { balanceMismatches, bonusClient, startExtraWorkers, item, waitForDrained, type BonusClient } from './support/bonus-api.ts';
import { startTestService, type TestService } from './support/test-service.ts';

// A partner that retries sends the same command again, possibly while the
// first is still in flight. Whatever the interleaving, each guid is accrued
// once. Three workers (the service's and two more) take small batches so the
// duplicates really are claimed side by side.
let t: TestService;
let api: BonusClient;
let extraWorkers: { stop(): Promise<void> };

before(async () => {
  t = await startTestService({ bonusBatchSize: 50, bonusPollMs: 5 });
  api = bonusClient(t.service.url, t.apiKey);
  extraWorkers = startExtraWorkers(t.service.store, 2, 50);
});
after(async () => {
  await extraWorkers.stop();
  await t.close();
});

test('the same command sent 8 times at once accrues each guid exactly once', async () => {
  const items = Array.from({ length: 300 }, (_, i) => item({ uniqId: `dup-${i % 100}`, amount: (i % 7) + 0.5 }));
  // A guid repeated inside the command counts as a duplicate too.
  items.push({ ...items[0]! });
  const expected = new Map<string, number>();
  for (const x of items.slice(0, 300)) expected.set(String(x.uniqId), (expected.get(String(x.uniqId)) ?? 0) + Number(x.amount));

  const answers = await Promise.all(Array.from({ length: 8 }, () => api.add(items)));
  for (const answer of answers) assert.ok(answer.body.results.every((r: any) => r.status === 'Success'));
  await waitForDrained(t.service.store);

  const outcomes = await Promise.all(answers.map((a) => api.settled(a.body.commandId)));
  const byGuid = new Map<string, string[]>();
  for (const outcome of outcomes) {
    for (const r of outcome.results) byGuid.set(r.guid, [...(byGuid.get(r.guid) ?? []), r.status === 'Success' ? 'Success' : r.error.typeOfError]);
  }
  assert.equal(byGuid.size, 300);
  for (const [guid, statuses] of byGuid) {
    assert.equal(statuses.filter((s) => s === 'Success').length, 1, guid);
    assert.ok(statuses.every((s) => s === 'Success' || s === 'duplicateGuid'), guid);
  }

  const ledger = await t.service.store.query<{ operations: number; guids: number }>(
    "SELECT count(*)::int AS operations, count(DISTINCT guid)::int AS guids FROM bonus_operations WHERE workspace_id = 'default'",
  );
  assert.deepEqual(ledger.rows[0], { operations: 300, guids: 300 });
  for (const [uniqId, balance] of expected) assert.equal((await api.account(uniqId)).body.balance, balance, uniqId);
  assert.deepEqual(await balanceMismatches(t.service.store), []);
});
