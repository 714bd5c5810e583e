import assert from 'node:assert/strict';
import { test } from 'node:test';
import { receiptRowToCanonical } from './receipts-to-canonical.ts';

const context = { workspaceId: 'acme', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };
const sale = {
  local_id: 501,
  customer_id: 1001,
  date: '2026-05-06 07:08:09',
  operation: 'sale',
  refund_of: null,
  amount: '1250.50',
  discount: '100.00',
  bonus_spent: '50',
  bonus_earned: 12,
  cheque_number: ' 0042 ',
  store_id: 'S-7',
  cashier: 'Ivanova',
  card_number: '7000111',
  currency: 'RUB',
  user_id: 'acme-corp',
};

test('a sale row becomes purchaseConfirmed on sql:<source>:<customer_id> with the purchase id <source>:<local_id>', () => {
  const mapped = receiptRowToCanonical(sale, context);
  assert.ok(mapped.ok, !mapped.ok ? mapped.error : '');
  const event = mapped.value;
  assert.equal(event.customer.key, 'sql:shop:1001');
  assert.equal(event.occurredAt, '2026-05-06T07:08:09.000Z');
  assert.equal(event.streamKey, 'sql:shop:1001|purchase|shop:501');
  assert.ok(event.change.kind === 'purchaseConfirmed');
  const bonus = { type: 'bonus', moneyAmount: null, description: null, offerExternalId: null, currencyExternalId: null, positionInfo: {} };
  assert.deepEqual(event.change.receipt, {
    purchaseId: 'shop:501',
    externalPurchaseId: '501',
    chequeNumber: '0042',
    amount: 1250.5,
    occurredAt: '2026-05-06T07:08:09.000Z',
    operationType: 'sale',
    merchantId: 'S-7',
    merchantUid: null,
    merchantCode: null,
    deviceCode: null,
    identity: '7000111',
    cashierIdentifier: 'Ivanova',
    description: null,
    locationId: 'S-7',
    partnerId: null,
    brandId: null,
    currencyExternalId: 'RUB',
    items: [],
    withdraws: [{ ...bonus, amount: 50 }],
    rewards: [{ ...bonus, amount: 12 }],
    attributes: [{ code: 'discount', value: 100 }],
  });
});

test('a refund links to the sale it refunds by refundedPurchaseId; operation defaults to sale and ignores case', () => {
  const refund = receiptRowToCanonical({ ...sale, local_id: 502, operation: 'REFUND', refund_of: 501, bonus_spent: null, bonus_earned: 0, discount: null }, context);
  assert.ok(refund.ok);
  assert.ok(refund.value.change.kind === 'purchaseRefunded');
  assert.equal(refund.value.change.receipt.purchaseId, 'shop:502');
  assert.equal(refund.value.change.refundedPurchaseId, 'shop:501');
  assert.equal(refund.value.change.refundedExternalPurchaseId, '501');
  assert.deepEqual([refund.value.change.receipt.withdraws, refund.value.change.receipt.rewards, refund.value.change.receipt.attributes], [[], [], []]);
  const bare = receiptRowToCanonical({ local_id: 9, customer_id: 1, date: '2026-01-01' }, context);
  assert.ok(bare.ok && bare.value.change.kind === 'purchaseConfirmed');
  assert.equal(bare.value.change.receipt.occurredAt, '2026-01-01T00:00:00.000Z');
  // A refund_of on a sale means nothing: it is not a refund.
  const odd = receiptRowToCanonical({ ...sale, refund_of: 400 }, context);
  assert.ok(odd.ok && odd.value.change.kind === 'purchaseConfirmed');
});

test('the same row read again has the same event id; a changed row a new one', () => {
  const first = receiptRowToCanonical(sale, context);
  const again = receiptRowToCanonical({ ...sale }, { ...context, receivedAt: '2026-11-23T00:00:00.000Z' });
  const changed = receiptRowToCanonical({ ...sale, amount: '1300' }, context);
  const otherSource = receiptRowToCanonical(sale, { ...context, sourceName: 'outlet' });
  assert.ok(first.ok && again.ok && changed.ok && otherSource.ok);
  assert.equal(again.value.eventId, first.value.eventId);
  assert.notEqual(changed.value.eventId, first.value.eventId);
  assert.notEqual(otherSource.value.eventId, first.value.eventId);
});

test('rows that cannot be a receipt are rejected with the reason', () => {
  const reject = (row: Record<string, unknown>) => receiptRowToCanonical({ ...sale, ...row }, context);
  assert.deepEqual(reject({ local_id: null }), { ok: false, error: 'missing local_id' });
  assert.deepEqual(reject({ customer_id: ' ' }), { ok: false, error: 'anonymous receipt: no customer_id' });
  assert.deepEqual(reject({ date: null }), { ok: false, error: 'missing date' });
  assert.deepEqual(reject({ date: '06.05.2026' }), { ok: false, error: 'unparseable date "06.05.2026"' });
  assert.deepEqual(reject({ date: '0000-00-00 00:00:00' }), { ok: false, error: 'missing date ("0000-00-00 00:00:00" is no date)' });
  assert.deepEqual(reject({ operation: 'exchange' }), { ok: false, error: 'unknown operation "exchange" (sale or refund)' });
  assert.deepEqual(reject({ amount: '12,50' }), { ok: false, error: 'unparseable amount "12,50"' });
  assert.deepEqual(reject({ bonus_earned: '1e999' }), { ok: false, error: 'unparseable bonus_earned "1e999"' });
  assert.deepEqual(reject({ cashier: 'Iva\u0000nova' }), { ok: false, error: 'cashier contains a NUL character' });
});
