import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRecordChange } from '../../events/canonical.ts';
import { receiptLineRowToCanonical } from './receipt-lines-to-canonical.ts';

const context = { workspaceId: 'acme', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };
const line = {
  local_id: 9001,
  receipt_id: 501,
  line_no: 2,
  product_id: 'SKU-1',
  product_name: ' Milk 1L ',
  quantity: '2.000',
  price: '89.90',
  amount: '179.80',
  discount: null,
};

test('a line becomes a receiptLineImported record of the source, naming its purchase <source>:<receipt_id>', () => {
  const mapped = receiptLineRowToCanonical(line, context);
  assert.ok(mapped.ok, !mapped.ok ? mapped.error : '');
  const event = mapped.value;
  assert.ok(isRecordChange(event.change), 'a line belongs to no profile');
  assert.equal(event.customer.key, 'sql-source:shop');
  assert.equal(event.occurredAt, null);
  assert.deepEqual(event.change, {
    kind: 'receiptLineImported',
    purchaseId: 'shop:501',
    line: { lineId: 'shop:9001', lineNo: 2, productId: 'SKU-1', productName: 'Milk 1L', quantity: 2, price: 89.9, amount: 179.8, discount: null },
  });
});

test('the same line read again has the same event id; a changed line a new one', () => {
  const first = receiptLineRowToCanonical(line, context);
  const again = receiptLineRowToCanonical({ ...line }, { ...context, receivedAt: '2026-11-23T00:00:00.000Z' });
  const changed = receiptLineRowToCanonical({ ...line, quantity: 3 }, context);
  assert.ok(first.ok && again.ok && changed.ok);
  assert.equal(again.value.eventId, first.value.eventId);
  assert.notEqual(changed.value.eventId, first.value.eventId);
});

test('lines that cannot be read are rejected with the reason', () => {
  const reject = (row: Record<string, unknown>) => receiptLineRowToCanonical({ ...line, ...row }, context);
  assert.deepEqual(reject({ local_id: '' }), { ok: false, error: 'missing local_id' });
  assert.deepEqual(reject({ receipt_id: null }), { ok: false, error: 'missing receipt_id' });
  assert.deepEqual(reject({ line_no: '2.5' }), { ok: false, error: 'unparseable line_no "2.5"' });
  assert.deepEqual(reject({ line_no: '99999999999999999999' }), { ok: false, error: 'unparseable line_no "99999999999999999999"' });
  assert.deepEqual(reject({ price: 'free' }), { ok: false, error: 'unparseable price "free"' });
  assert.deepEqual(reject({ product_name: 'Mi\u0000lk' }), { ok: false, error: 'product_name contains a NUL character' });
  assert.ok(reject({ line_no: null, quantity: null, price: null, amount: null }).ok, 'only local_id and receipt_id are required');
});
