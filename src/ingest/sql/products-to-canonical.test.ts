import assert from 'node:assert/strict';
import { test } from 'node:test';
import { productRowToCanonical } from './products-to-canonical.ts';

const context = { workspaceId: 'acme', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };
const row = {
  local_id: 501,
  name: ' Green tea ',
  category_id: 12,
  price: '199.90',
  old_price: 249,
  vendor: 'Tea Co',
  barcode: '4600000000017',
  url: 'https://shop.example/tea',
  picture: 'https://shop.example/tea.jpg',
  available: 1,
  description: 'Loose leaf',
  user_id: 'acme-corp',
};

test('a products row becomes a catalogue record of the source, not of a profile', () => {
  const mapped = productRowToCanonical(row, context);
  assert.ok(mapped.ok);
  const event = mapped.value;
  assert.equal(event.customer.key, 'sql-source:shop');
  assert.equal(event.eventCode, 'sql.products');
  assert.deepEqual(event.change, {
    kind: 'catalogProductChanged',
    product: {
      sourceName: 'shop',
      localId: '501',
      name: 'Green tea',
      categoryId: '12',
      price: 199.9,
      oldPrice: 249,
      vendor: 'Tea Co',
      barcode: '4600000000017',
      url: 'https://shop.example/tea',
      picture: 'https://shop.example/tea.jpg',
      available: true,
      description: 'Loose leaf',
    },
  });
});

test('columns the query does not return are null: the row is the whole record', () => {
  const mapped = productRowToCanonical({ local_id: 'A-1', available: 'no' }, context);
  assert.ok(mapped.ok && mapped.value.change.kind === 'catalogProductChanged');
  assert.equal(mapped.value.change.product.name, null);
  assert.equal(mapped.value.change.product.price, null);
  assert.equal(mapped.value.change.product.available, false);
});

test('the same row read again has the same event id; a changed row, or the same id in another source, a new one', () => {
  const first = productRowToCanonical(row, context);
  const again = productRowToCanonical({ ...row }, { ...context, receivedAt: '2026-11-23T00:00:00.000Z' });
  const changed = productRowToCanonical({ ...row, price: '189.90' }, context);
  const elsewhere = productRowToCanonical(row, { ...context, sourceName: 'outlet' });
  assert.ok(first.ok && again.ok && changed.ok && elsewhere.ok);
  assert.equal(again.value.eventId, first.value.eventId);
  assert.notEqual(changed.value.eventId, first.value.eventId);
  assert.notEqual(elsewhere.value.eventId, first.value.eventId);
});

test('rows without local_id, with an unreadable price or availability, or with NUL text are rejected with the reason', () => {
  assert.deepEqual(productRowToCanonical({ ...row, local_id: null }, context), { ok: false, error: 'missing local_id' });
  assert.deepEqual(productRowToCanonical({ ...row, price: '12,50' }, context), { ok: false, error: 'unparseable price "12,50"' });
  assert.deepEqual(productRowToCanonical({ ...row, old_price: 'n/a' }, context), { ok: false, error: 'unparseable old_price "n/a"' });
  assert.deepEqual(productRowToCanonical({ ...row, available: 'maybe' }, context), { ok: false, error: 'unparseable available "maybe"' });
  assert.deepEqual(productRowToCanonical({ ...row, name: 'Te\u0000a' }, context), { ok: false, error: 'name contains a NUL character' });
});
