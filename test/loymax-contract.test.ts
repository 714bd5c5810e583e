import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loymaxSeedExamples } from './fixtures/loymax/index.ts';
import { eventCount, startTestService, type TestService } from './support/test-service.ts';
import { queueDepth } from './support/test-broker.ts';
import { waitFor } from './support/wait-for.ts';

// Every routing key of the contract, with the seed's own example model as the
// producer sends it (raw text, quirks included), lands in the profile.
let t: TestService;

before(async () => {
  t = await startTestService();
  await t.publisher.publish(loymaxSeedExamples.map((e) => ({ routingKey: e.routingKey, body: e.body })));
  await waitFor('all 12 seed examples applied', async () => (await eventCount(t.service)) === 12);
});
after(() => t.close());

test('registration begin and finish: registration completed, identity from customerInfo', async () => {
  const { status, body } = await t.get('/v1/customers/loymax:121');
  assert.equal(status, 200);
  assert.equal(body.customerId, '121');
  assert.equal(body.customerCode, 'aca52e1b-f08b-44a7-a77b-69ae0442ce7b');
  assert.equal(body.accountGroupId, '125');
  assert.equal(body.identifierId, '826');
  assert.equal(body.registration.status, 'completed');
  assert.ok(body.registration.startedAt);
});

test('card link (ReplaceCard) and profile merge: both cards on the target, old card replaced', async () => {
  const { body } = await t.get('/v1/customers/11');
  const cards = Object.fromEntries(body.cards.map((c: any) => [c.cardNumber, c]));
  assert.equal(cards['1664669457201226'].state, 'Activated');
  assert.equal(cards['1664669457201226'].category, 'VIP');
  assert.equal(cards['1664669457201226'].linkType, 'ReplaceCard');
  assert.equal(cards['1664669457201226'].linkSource, 'UserPortal');
  assert.equal(cards['1664669457201226'].barCode, '1664669457201226');
  assert.equal(cards['3515656237264935'].state, 'Replaced');
  assert.equal(cards['3515656237264935'].replacedBy, '1664669457201226');
  assert.equal(cards['3515656237264935'].blocked, true);
  assert.deepEqual(body.mergedFrom, ['loymax:13']);

  const merged = await t.get('/v1/customers/loymax:13');
  assert.equal(merged.status, 200);
  assert.equal(merged.body.id, 'loymax:11');
  assert.equal(merged.body.resolvedFrom, 'loymax:13');
});

test('card activation: state and activation date', async () => {
  const { body } = await t.get('/v1/customers/24');
  assert.equal(body.cards[0].cardNumber, '4510721265576184');
  assert.equal(body.cards[0].state, 'Activated');
  assert.equal(body.cards[0].activationDate, '2021-07-19T16:33:24.000Z');
  assert.equal(body.applicationId, '1');
});

test('card block: blocked, with a history entry', async () => {
  const { body } = await t.get('/v1/customers/18');
  assert.equal(body.cards[0].cardNumber, '020000008');
  assert.equal(body.cards[0].blocked, true);
  assert.deepEqual(body.cards[0].history.map((h: any) => h.change), ['blocked']);
});

test('card deletion and category change on the same card', async () => {
  const { body } = await t.get('/v1/customers/42');
  assert.equal(body.cards.length, 1);
  assert.equal(body.cards[0].deleted, true);
  assert.equal(body.cards[0].category, 'VIP');
  assert.deepEqual(body.cards[0].history.map((h: any) => h.change), ['deleted', 'category']);
});

test('attribute update: current value and history; the phone finds the customer', async () => {
  const { body } = await t.get('/v1/customers/126');
  assert.equal(body.attributes.Phone.value, '79540286267');
  assert.equal(body.attributes.Phone.userAttributeType, 'Notifier');
  assert.equal(body.attributes.Phone.changedAt, '2021-06-15T09:17:07.000Z');
  assert.deepEqual(body.attributes.Phone.history.map((h: any) => [h.oldValue, h.newValue]), [[null, '79540286267']]);
  const found = await t.get('/v1/customers?phone=%2B7%20954%20028-62-67');
  assert.deepEqual(found.body.customers.map((c: any) => c.id), ['loymax:126']);
});

test('subscription change: every channel of the subscription type', async () => {
  const { body } = await t.get('/v1/customers/164');
  assert.equal(body.subscriptions.length, 1);
  const s = body.subscriptions[0];
  assert.equal(s.typeCode, 'DiscountOperation');
  assert.equal(s.typeName, 'Discount accrual notifications');
  assert.equal(s.mailingSubscriptionType, 'Cashback');
  assert.deepEqual(s.channels, { mail: 'Enabled', push: 'Enabled', sms: 'Enabled', viber: 'Enabled', chatBot: 'Enabled', socialNetworks: 'Enabled' });
});

test('purchase with cheque items, withdrawals and rewards, and its refund linked to it', async () => {
  const { body } = await t.get('/v1/customers/107/purchases');
  assert.equal(body.purchases.length, 1);
  const p = body.purchases[0];
  assert.equal(p.purchaseId, '512');
  assert.equal(p.externalPurchaseId, '5226324048');
  assert.equal(p.amount, 135);
  assert.equal(p.chequeNumber, '123');
  assert.deepEqual(p.items.map((i: any) => [i.description, i.quantity, i.amount]), [['Aqva', 10, 90], ['Вода', 1, 45]]);
  assert.equal(p.withdraws[0].type, 'Bonus');
  assert.equal(p.withdraws[0].amount, -10);
  assert.deepEqual(p.rewards.map((r: any) => [r.type, r.amount]), [['Discount', 15], ['Bonus', 62.51]]);
  assert.equal(p.refunds.length, 1);
  assert.equal(p.refunds[0].refundId, '513');
  assert.equal(p.refunds[0].amount, 100);
  // The refund model's receipt details, as a purchase's are shown.
  const f = p.refunds[0];
  assert.deepEqual(
    [f.operationType, f.identity, f.cashierIdentifier, f.partnerId, f.brandId, f.description],
    ['PurchaseData', '020000001', '666', 'd1f94a6c-0d33-4cf2-79ab-9248f3dd2547', '82013554-3dd3-4e08-5a73-e8354f45ffa6', 'Refund. Test store'],
  );
  assert.deepEqual(f.merchant, { id: '1', uid: 'b984731d-4597-431f-a70b-61250392c6a3', code: null, deviceCode: '001010', description: 'Refund. Test store', locationId: null });
  assert.equal(f.occurredAt, '2021-08-13T16:53:47.000Z');
  assert.equal(p.refundedAmount, 100);
  assert.deepEqual(body.unlinkedRefunds, []);
  const profile = await t.get('/v1/customers/107');
  assert.equal(profile.body.accountGroupId, '111', 'the purchase model spells it accountfroupId');
  assert.deepEqual(profile.body.purchaseTotals, { count: 1, amount: 135, refundedAmount: 100 });
});

test('lookups by card number and uid; the event history of a customer', async () => {
  const byCard = await t.get('/v1/customers?cardNumber=4237436357530502');
  assert.deepEqual(byCard.body.customers.map((c: any) => c.id), ['loymax:42']);
  const byUid = await t.get('/v1/customers?uid=6c0b4b64-ebd8-4397-a6f5-d6f3eb32cd2c');
  assert.deepEqual(byUid.body.customers.map((c: any) => c.id), ['loymax:107']);
  const history = await t.get('/v1/customers/107/events');
  assert.deepEqual(history.body.events.map((e: any) => e.routingKey), ['purchases.refundModelUpdate', 'purchases.confirm.modelUpdate']);
  assert.equal(history.body.events[1].payload.purchaseOperationInfo.purchaseData.purchaseId, 512);
});

test('the Cyrillic spelling of the category key from the seed is bound and read as the Latin one', async () => {
  const example = loymaxSeedExamples.find((e) => e.routingKey === 'customer.card.changeCategory')!;
  const body = example.body.replace('"newcardCategory":"VIP"', '"newcardCategory":"Gold"');
  await t.publisher.publish([{ routingKey: '\u0441ustomer.card.changeCategory', body }]);
  await waitFor('category change applied', async () => (await t.get('/v1/customers/42')).body.cards[0].category === 'Gold');
  const history = await t.get('/v1/customers/42/events?limit=1');
  assert.equal(history.body.events[0].routingKey, 'customer.card.changeCategory');
});

test('events of other routing keys on the same exchange never reach the queue', async () => {
  const before = await eventCount(t.service);
  await t.publisher.publish([
    { routingKey: 'offer.edit', body: { eventCode: 'OnOfferEdit' } },
    { routingKey: 'customer.audience.calculate', body: { eventCode: 'OnBeginRegistration', customerInfo: { customerId: 999 } } },
    { routingKey: 'customer.registration', body: { eventCode: 'OnBeginRegistration', customerInfo: { customerId: 998 } } },
  ]);
  // a marker published after them: once it is applied, anything routed before it would have been too
  await t.publisher.publish([{ body: { eventCode: 'OnBeginRegistration', customerInfo: { customerId: 997 } } }]);
  await waitFor('marker applied', async () => (await eventCount(t.service)) === before + 1);
  assert.equal(await queueDepth(t.topology.queue), 0);
  assert.equal((await t.get('/v1/customers/999')).status, 404);
  assert.equal((await t.get('/v1/customers/998')).status, 404);
});

test('a replaced card number linked again (to another customer) is no longer shown replaced', async () => {
  const start = await eventCount(t.service);
  const setCard = (customerId: number, cardNumber: string) => ({
    routingKey: 'customer.card.link',
    body: { eventCode: 'OnSetCard', linkCardType: 'SetCard', newCard: { cardNumber, cardState: 'Activated', isBlocked: false, isDeleted: false }, oldCard: null, customerInfo: { customerId } },
  });
  // The seed replaced 3515656237264935 by 1664669457201226 on customer 11.
  await t.publisher.publish([setCard(901, '3515656237264935')]);
  await waitFor('the link applied', async () => (await eventCount(t.service)) === start + 1);
  const { body } = await t.get('/v1/customers/901');
  assert.deepEqual(
    body.cards.map((c: any) => [c.cardNumber, c.state, c.linkType, c.replacedBy, c.blocked]),
    [['3515656237264935', 'Activated', 'SetCard', null, false]],
  );
  assert.ok(!(await t.get('/v1/customers/11')).body.cards.some((c: any) => c.cardNumber === '3515656237264935'), 'the card moved');
});

test('a merge in a later batch carries the merged profile\'s registration to the target (as a merge in the same batch did)', async () => {
  const finish = (customerId: number) => ({ routingKey: 'customer.registration.finish', body: { eventCode: 'OnEndRegistration', customerInfo: { customerId } } });
  const merge = (from: number, into: number) => ({
    routingKey: 'customer.profile.merge',
    body: { eventCode: 'MergeCustomersProfiles', fromCustomerInfo: { customerId: from }, toCustomerInfo: { customerId: into } },
  });
  let start = await eventCount(t.service);
  await t.publisher.publish([finish(911)]);
  await waitFor('the registration applied', async () => (await eventCount(t.service)) === start + 1);
  start += 1;
  await t.publisher.publish([merge(911, 912)]);
  await waitFor('the merge applied', async () => (await eventCount(t.service)) === start + 1);
  const target = (await t.get('/v1/customers/912')).body;
  assert.equal(target.registration.status, 'completed');
  assert.equal((await t.get('/v1/customers/911')).body.registration.status, 'completed', 'read through the merge');
});
