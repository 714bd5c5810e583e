import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loymaxSeedExamples } from '../../test/fixtures/loymax/index.ts';
import { generateLoymaxEvents, type GeneratedEvent } from './generate-loymax-events.ts';

const generate = (events: number, seed = 42, customers = 500): GeneratedEvent[] =>
  [...generateLoymaxEvents({ events, customers, seed })];

type Json = Record<string, any>;
const purchaseDataOf = (event: GeneratedEvent): Json =>
  (event.body as Json)[event.routingKey === 'purchases.refundModelUpdate' ? 'refundOperationInfo' : 'purchaseOperationInfo'].purchaseData;
const isPurchaseOrRefund = (event: GeneratedEvent) =>
  event.routingKey === 'purchases.confirm.modelUpdate' || event.routingKey === 'purchases.refundModelUpdate';
const kopecks = (roubles: number) => Math.round(roubles * 100);

test('the same seed yields the same events, another seed different ones', () => {
  assert.deepEqual(generate(3000, 7), generate(3000, 7));
  assert.notDeepEqual(generate(50, 7).map((e) => e.messageId), generate(50, 8).map((e) => e.messageId));
});

test('5,000 events cover all 12 routing keys of the contract', () => {
  const seen = new Set(generate(5000).map((e) => e.routingKey));
  assert.deepEqual([...seen].sort(), loymaxSeedExamples.map((e) => e.routingKey).sort());
});

test('message ids are unique', () => {
  const ids = generate(50_000).map((e) => e.messageId);
  assert.equal(new Set(ids).size, ids.length);
  assert.match(ids[0]!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('cheque item amounts add up to the purchase or refund amount', () => {
  const cheques = generate(5000).filter(isPurchaseOrRefund).map(purchaseDataOf);
  assert.ok(cheques.length > 1000);
  for (const cheque of cheques) {
    assert.ok(cheque.chequeItems.length >= 1 && cheque.chequeItems.length <= 6);
    const itemsTotal = cheque.chequeItems.reduce((sum: number, item: Json) => sum + kopecks(item.amount), 0);
    assert.equal(itemsTotal, kopecks(cheque.amount), `purchase ${cheque.purchaseId}`);
  }
});

test('a refund returns lines of an earlier purchase of the same customer, once', () => {
  const purchases = new Map<number, { customerId: number; itemIds: string[] }>();
  const refunded = new Set<number>();
  const purchaseIds = new Set<number>();
  for (const event of generate(5000)) {
    if (!isPurchaseOrRefund(event)) continue;
    const data = purchaseDataOf(event);
    assert.ok(!purchaseIds.has(data.purchaseId), 'purchaseId reused');
    purchaseIds.add(data.purchaseId);
    const customerId = (event.body as Json).customerInfo.customerId;
    const lineKeys = data.chequeItems.map((item: Json) => `${item.positionId}:${item.itemId}`);
    if (event.routingKey === 'purchases.confirm.modelUpdate') {
      purchases.set(data.purchaseId, { customerId, itemIds: lineKeys });
      continue;
    }
    const refundedId = (event.body as Json).refundedPurchaseViewModel.refundedPurchaseId;
    const original = purchases.get(refundedId);
    assert.ok(original, `refund of unknown purchase ${refundedId}`);
    assert.equal(customerId, original.customerId);
    assert.ok(!refunded.has(refundedId), `purchase ${refundedId} refunded twice`);
    refunded.add(refundedId);
    for (const key of lineKeys) assert.ok(original.itemIds.includes(key), `refunded line ${key} not in purchase`);
  }
  assert.ok(refunded.size > 200);
});

test('event times only move forward', () => {
  let last = '';
  for (const event of generate(5000)) {
    const body = event.body as Json;
    const time: string | undefined = body.changeDateTime ?? body.purchaseOperationInfo?.dateTime ?? body.refundOperationInfo?.dateTime;
    if (time === undefined) continue;
    assert.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(time > last, `${time} after ${last}`);
    last = time;
  }
});

// Field paths of a body: nested keys joined with ".", array items as "[]",
// numeric keys (positionInfo) as "#". The seed's examples disagree on two
// customerInfo spellings; the generator uses the majority spelling.
const SEED_SPELLING: Record<string, string> = { customerCode: 'customerUid', accountfroupId: 'accountgroupId' };
function fieldPaths(value: unknown, prefix = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) fieldPaths(item, `${prefix}[]`, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const name = /^\d+$/.test(key) ? '#' : SEED_SPELLING[key] ?? key;
      const path = prefix === '' ? name : `${prefix}.${name}`;
      into.add(path);
      fieldPaths(child, path, into);
    }
  }
  return into;
}

test('bodies have the fields of the seed example for their routing key, and no others', () => {
  const generatedPaths = new Map<string, Set<string>>();
  for (const event of generate(5000)) {
    const paths = generatedPaths.get(event.routingKey) ?? new Set<string>();
    fieldPaths(event.body, '', paths);
    generatedPaths.set(event.routingKey, paths);
  }
  for (const example of loymaxSeedExamples) {
    // The merge example has a trailing comma; everything else is strict JSON.
    const seedBody: unknown = JSON.parse(example.body.replace(/,(\s*})/g, '$1'));
    const expected = [...fieldPaths(seedBody)].sort();
    assert.deepEqual([...(generatedPaths.get(example.routingKey) ?? [])].sort(), expected, example.routingKey);
  }
});
