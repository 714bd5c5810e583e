import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loymaxSeedExamples } from './fixtures/loymax/index.ts';
import { eventCount, startTestService, type TestService } from './support/test-service.ts';
import { waitFor } from './support/wait-for.ts';

// Repeats and order over the real broker: a repeat changes nothing, a
// legitimate second occurrence is applied, and order does not matter where
// the events carry what is needed to order them.
let t: TestService;
before(async () => {
  t = await startTestService();
});
after(() => t.close());

const example = (key: string) => JSON.parse(loymaxSeedExamples.find((e) => e.routingKey === key)!.body.replace(/,(\s*})/g, '$1'));
const blockBody = (customerId: number, cardNumber: string, blocked: boolean) => ({
  ...example('customer.card.changeBlockState'),
  targetBlockState: blocked,
  cardInfo: { cardId: 13, cardNumber },
  customerInfo: { ...example('customer.card.changeBlockState').customerInfo, customerId },
});

async function settle(expected: number) {
  await waitFor(`${expected} events in the log`, async () => (await eventCount(t.service)) === expected);
}

test('a message sent again with the same message-id is acknowledged and changes nothing', async () => {
  const start = await eventCount(t.service);
  const body = blockBody(501, '5010001', true);
  await t.publisher.publish([{ body, messageId: 'm-501' }, { body, messageId: 'm-501' }, { body: blockBody(501, '5010001', false), messageId: 'm-501' }]);
  await t.publisher.publish([{ body: example('customer.registration.begin'), messageId: 'marker-501' }]);
  await settle(start + 2);
  const { body: profile } = await t.get('/v1/customers/501');
  assert.equal(profile.cards[0].blocked, true);
  assert.deepEqual(profile.cards[0].history.map((h: any) => h.change), ['blocked']);
});

test('the same purchase or attribute change sent twice without message-id is applied once (natural identity)', async () => {
  const start = await eventCount(t.service);
  const purchase = example('purchases.confirm.modelUpdate');
  purchase.customerInfo.customerId = 502;
  purchase.purchaseOperationInfo.purchaseData.purchaseId = 50201;
  const attribute = { ...example('customer.attribute.update'), customerInfo: { ...example('customer.attribute.update').customerInfo, customerId: 502 } };
  await t.publisher.publish([
    { body: purchase, messageId: null },
    { body: attribute, messageId: null },
    { body: purchase, messageId: null },
    { body: attribute, messageId: null },
  ]);
  await t.publisher.publish([{ body: example('customer.registration.begin'), messageId: 'marker-502' }]);
  await settle(start + 3);
  const { body } = await t.get('/v1/customers/502');
  assert.equal(body.purchaseTotals.count, 1);
  assert.equal(body.attributes.Phone.history.length, 1);
});

test('block, unblock, block with identical bodies and no message-id: all three applied', async () => {
  const start = await eventCount(t.service);
  const block = blockBody(503, '5030001', true);
  await t.publisher.publish([
    { body: block, messageId: null },
    { body: blockBody(503, '5030001', false), messageId: null },
    { body: block, messageId: null },
  ]);
  await settle(start + 3);
  const { body } = await t.get('/v1/customers/503');
  assert.equal(body.cards[0].blocked, true);
  assert.deepEqual(body.cards[0].history.map((h: any) => h.change), ['blocked', 'unblocked', 'blocked']);
});

test('attribute changes delivered newest first end with the newest value', async () => {
  const start = await eventCount(t.service);
  const base = example('customer.attribute.update');
  const change = (value: string, at: string, uid: string) => ({
    ...base,
    oldValue: null,
    newValue: value,
    changeDateTime: at,
    activityUid: uid,
    customerInfo: { ...base.customerInfo, customerId: 504 },
  });
  await t.publisher.publish([
    { body: change('79990000003', '2021-06-15T09:00:03Z', 'a3') },
    { body: change('79990000001', '2021-06-15T09:00:01Z', 'a1') },
    { body: change('79990000002', '2021-06-15T09:00:02Z', 'a2') },
  ]);
  await settle(start + 3);
  const { body } = await t.get('/v1/customers/504');
  assert.equal(body.attributes.Phone.value, '79990000003');
  assert.deepEqual(body.attributes.Phone.history.map((h: any) => h.newValue), ['79990000001', '79990000002', '79990000003']);
  const byOldPhone = await t.get('/v1/customers?phone=79990000001');
  assert.deepEqual(byOldPhone.body.customers, [], 'an old phone no longer finds the customer');
});

test('one activity changing several attributes and customers under one activityUid applies every change; a copy of one changes nothing', async () => {
  const start = await eventCount(t.service);
  const base = example('customer.attribute.update');
  const change = (customerId: number, attributeCode: string, newValue: string) => ({
    ...base,
    attributeCode,
    oldValue: null,
    newValue,
    changeDateTime: '2021-06-15T10:00:00Z',
    activityUid: 'form-and-batch-1',
    fromBatchOperation: true,
    customerInfo: { ...base.customerInfo, customerId },
  });
  await t.publisher.publish([
    { body: change(511, 'FirstName', 'Anna') },
    { body: change(511, 'LastName', 'Petrova') },
    { body: change(512, 'FirstName', 'Boris') },
    { body: change(511, 'LastName', 'Petrova') },
    // applied after the copy (one queue, in order): once it is in the log, the copy has been handled
    { body: { ...change(513, 'FirstName', 'Vera'), activityUid: 'sentinel' } },
  ]);
  // The sentinel comes after the copy in one queue: once it shows, the copy has been handled.
  await waitFor('the sentinel applied', async () => (await t.get('/v1/customers/513')).body.attributes?.FirstName?.value === 'Vera');
  const anna = (await t.get('/v1/customers/511')).body;
  assert.deepEqual([anna.attributes.FirstName?.value, anna.attributes.LastName?.value], ['Anna', 'Petrova']);
  assert.equal((await t.get('/v1/customers/512')).body.attributes.FirstName?.value, 'Boris');
  assert.equal(await eventCount(t.service), start + 4, 'the copy is not logged');
});

test('a refund that arrives before its purchase is kept, then linked when the purchase arrives', async () => {
  const start = await eventCount(t.service);
  const purchase = example('purchases.confirm.modelUpdate');
  const refund = example('purchases.refundModelUpdate');
  purchase.customerInfo.customerId = 505;
  refund.customerInfo.customerId = 505;
  purchase.purchaseOperationInfo.purchaseData.purchaseId = 50501;
  refund.refundedPurchaseViewModel.refundedPurchaseId = 50501;
  refund.refundOperationInfo.purchaseData.purchaseId = 50502;
  await t.publisher.publish([{ body: refund }]);
  await settle(start + 1);
  const early = await t.get('/v1/customers/505/purchases');
  assert.deepEqual(early.body.purchases, []);
  assert.equal(early.body.unlinkedRefunds[0].refundId, '50502');

  await t.publisher.publish([{ body: purchase }]);
  await settle(start + 2);
  const late = await t.get('/v1/customers/505/purchases');
  assert.equal(late.body.purchases[0].refunds[0].refundId, '50502');
  assert.deepEqual(late.body.unlinkedRefunds, []);

  // Partial refunds add up exactly (as doubles, 100 + 0.1 + 0.3 is 100.39999999999999).
  for (const [id, amount] of [[50503, 0.1], [50504, 0.3]] as const) {
    const partial = structuredClone(refund);
    partial.refundOperationInfo.purchaseData.purchaseId = id;
    partial.refundOperationInfo.purchaseData.amount = amount;
    partial.refundOperationInfo.purchaseData.externalPurchaseId = `partial-${id}`;
    await t.publisher.publish([{ body: partial }]);
  }
  await settle(start + 4);
  const partly = await t.get('/v1/customers/505/purchases');
  assert.equal(partly.body.purchases[0].refundedAmount, 100.4);
  assert.equal((await t.get('/v1/customers/505')).body.purchaseTotals.refundedAmount, 100.4);
});

test('events for a customer merged away land on the merge target, even when they arrive after the merge', async () => {
  const start = await eventCount(t.service);
  const merge = example('customer.profile.merge');
  merge.fromCustomerInfo.customerId = 506;
  merge.toCustomerInfo.customerId = 507;
  const link = example('customer.card.link');
  link.customerInfo.customerId = 506;
  link.oldCard = null;
  link.linkCardType = 'SetCard';
  link.newCard.cardNumber = '5060001';
  const subscription = example('customer.subscription.update');
  subscription.customerInfo.customerId = 506;
  await t.publisher.publish([{ body: link }, { body: merge }, { body: subscription }]);
  await settle(start + 3);
  const { body } = await t.get('/v1/customers/507');
  assert.deepEqual(body.cards.map((c: any) => c.cardNumber), ['5060001']);
  assert.equal(body.subscriptions[0].typeCode, 'DiscountOperation');
  assert.deepEqual(body.mergedFrom, ['loymax:506']);
  const events = await t.get('/v1/customers/507/events');
  assert.equal(events.body.events.length, 3, "the merged profile's events are part of the target's history");
  const byCard = await t.get('/v1/customers?cardNumber=5060001');
  assert.deepEqual(byCard.body.customers.map((c: any) => c.id), ['loymax:507']);
});
