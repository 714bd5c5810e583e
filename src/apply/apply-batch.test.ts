import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvents } from './apply-batch.ts';
import { forgetAckedBatch } from '../events/pending-acks.ts';
import { parseLoymaxMessage } from '../ingest/loymax/parse.ts';
import { loymaxToCanonical } from '../ingest/loymax/to-canonical.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/db.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';

// The redelivery rule for events without identity, against the real store:
// what a crash between commit and ack looks like to the apply step.
let db: TestDatabase;
let store: Store;
before(async () => {
  db = await createTestDatabase();
  store = await openStore({ databaseUrl: db.url, dataDir: '' });
});
after(async () => {
  await store.close();
  await db.drop();
});

const block = (blocked: boolean, redelivered: boolean) => {
  const body = JSON.stringify({
    targetBlockState: blocked,
    cardInfo: { cardId: 13, cardNumber: '020000008' },
    customerInfo: { customerId: 18, customerUid: 'c3b84d0c-ff92-4e62-b5df-fbd4ec8ad1e4' },
    eventCode: 'OnBlockCard',
  });
  const parsed = parseLoymaxMessage('customer.card.changeBlockState', body);
  assert.ok(parsed.ok);
  return loymaxToCanonical(parsed.value, { workspaceId: 'default', messageId: null, redelivered, receivedAt: new Date().toISOString() });
};

const pendingCount = async () => Number((await store.query<{ n: string }>("SELECT count(*) AS n FROM pending_acks")).rows[0]!.n);
const history = async () =>
  (await store.query<{ change: string }>("SELECT change FROM card_changes WHERE card_number = '020000008' ORDER BY event_seq")).rows.map((r) => r.change);

test('a batch applied but not acked, redelivered whole, is recognised event by event, however often its ack is lost', async () => {
  const first = await applyEvents(store, 'default', [block(true, false), block(false, false), block(true, false)], { deliveryBatchId: crypto.randomUUID() });
  assert.deepEqual(first, { applied: 3, duplicates: 0, pendingAcks: 3 });

  const copyBatch = crypto.randomUUID();
  const redelivery = await applyEvents(store, 'default', [block(true, true), block(false, true), block(true, true)], { deliveryBatchId: copyBatch });
  // the records now wait for the copies' own ack
  assert.deepEqual(redelivery, { applied: 0, duplicates: 3, pendingAcks: 3 });
  assert.deepEqual(await history(), ['blocked', 'unblocked', 'blocked']);

  // The copies' ack is lost too: redelivered once more, still copies.
  const lastBatch = crypto.randomUUID();
  const again = await applyEvents(store, 'default', [block(true, true), block(false, true), block(true, true)], { deliveryBatchId: lastBatch });
  assert.deepEqual([again.applied, again.duplicates], [0, 3]);
  assert.deepEqual(await history(), ['blocked', 'unblocked', 'blocked']);
  await forgetAckedBatch(store, 'default', lastBatch); // its ack landed at last
  assert.equal(await pendingCount(), 0);
});

test("a redelivered copy's record goes once the copy's own ack has landed", async () => {
  await applyEvents(store, 'default', [block(false, false)], { deliveryBatchId: crypto.randomUUID() });
  const copyBatch = crypto.randomUUID();
  assert.equal((await applyEvents(store, 'default', [block(false, true)], { deliveryBatchId: copyBatch })).duplicates, 1);
  await forgetAckedBatch(store, 'default', copyBatch);
  // nothing pending: a redelivered identical message is one never applied (a crash before its commit)
  const laterBatch = crypto.randomUUID();
  const after = await applyEvents(store, 'default', [block(false, true)], { deliveryBatchId: laterBatch });
  assert.equal(after.applied, 1);
  await forgetAckedBatch(store, 'default', laterBatch);
});

test('once the ack is known to have landed, an identical redelivered message is a new event', async () => {
  const batchId = crypto.randomUUID();
  await applyEvents(store, 'default', [block(false, false)], { deliveryBatchId: batchId });
  await forgetAckedBatch(store, 'default', batchId);
  // never applied before: the broker redelivers it after a crash before commit
  const outcome = await applyEvents(store, 'default', [block(false, true)], { deliveryBatchId: crypto.randomUUID() });
  assert.deepEqual(outcome, { applied: 1, duplicates: 0, pendingAcks: 1 });
  assert.deepEqual((await history()).slice(-2), ['unblocked', 'unblocked']);
});

test('a message that is not redelivered is always applied, even if identical to one pending', async () => {
  await applyEvents(store, 'default', [block(true, false)], { deliveryBatchId: crypto.randomUUID() });
  const outcome = await applyEvents(store, 'default', [block(true, false)]);
  assert.deepEqual(outcome, { applied: 1, duplicates: 0, pendingAcks: 0 });
});

test("a merge's target identity (its customerUid) is taken in the batch's order: the later message wins", async () => {
  const event = (routingKey: string, body: object, messageId: string) => {
    const parsed = parseLoymaxMessage(routingKey, JSON.stringify(body));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.reason);
    return loymaxToCanonical(parsed.value, { workspaceId: 'default', messageId, redelivered: false, receivedAt: new Date().toISOString() });
  };
  const registered = (customerId: number, customerUid: string, id: string) =>
    event('customer.registration.begin', { eventCode: 'OnBeginRegistration', customerInfo: { customerId, customerUid } }, id);
  const merged = (from: number, into: number, customerUid: string, id: string) =>
    event('customer.profile.merge', { eventCode: 'MergeCustomersProfiles', fromCustomerInfo: { customerId: from }, toCustomerInfo: { customerId: into, customerUid } }, id);
  const uidOf = async (customerId: number) =>
    (await store.query<{ customer_uid: string }>("SELECT customer_uid FROM customers WHERE workspace_id = 'default' AND customer_key = $1", [`loymax:${customerId}`])).rows[0]?.customer_uid;

  await applyEvents(store, 'default', [registered(911, 'uid-old', 'a1'), merged(910, 911, 'uid-from-merge', 'a2')]);
  assert.equal(await uidOf(911), 'uid-from-merge');
  await applyEvents(store, 'default', [merged(920, 921, 'uid-from-merge', 'b1'), registered(921, 'uid-later', 'b2')]);
  assert.equal(await uidOf(921), 'uid-later');
  // a batch of only a merge
  await applyEvents(store, 'default', [merged(930, 931, 'uid-only-merge', 'c1')]);
  assert.equal(await uidOf(931), 'uid-only-merge');
});
