import assert from 'node:assert/strict';
import { test } from 'node:test';
import { categoryRowToCanonical } from './product-categories-to-canonical.ts';

const context = { workspaceId: 'acme', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };

test('a product_categories row becomes a catalogue record with its parent', () => {
  const mapped = categoryRowToCanonical({ local_id: 12, name: 'Tea', parent_id: 3 }, context);
  assert.ok(mapped.ok);
  assert.equal(mapped.value.customer.key, 'sql-source:shop');
  assert.deepEqual(mapped.value.change, { kind: 'catalogCategoryChanged', category: { sourceName: 'shop', localId: '12', name: 'Tea', parentId: '3' } });
  const root = categoryRowToCanonical({ local_id: 3, name: 'Drinks', parent_id: '' }, context);
  assert.ok(root.ok && root.value.change.kind === 'catalogCategoryChanged');
  assert.equal(root.value.change.category.parentId, null);
});

test('a re-read row keeps its event id; a moved category gets a new one', () => {
  const first = categoryRowToCanonical({ local_id: 12, name: 'Tea', parent_id: 3 }, context);
  const again = categoryRowToCanonical({ local_id: '12', name: 'Tea', parent_id: '3' }, { ...context, receivedAt: '2026-12-01T00:00:00.000Z' });
  const moved = categoryRowToCanonical({ local_id: 12, name: 'Tea', parent_id: 4 }, context);
  assert.ok(first.ok && again.ok && moved.ok);
  assert.equal(again.value.eventId, first.value.eventId);
  assert.notEqual(moved.value.eventId, first.value.eventId);
});

test('rows without local_id or with NUL text are rejected with the reason', () => {
  assert.deepEqual(categoryRowToCanonical({ name: 'Tea' }, context), { ok: false, error: 'missing local_id' });
  assert.deepEqual(categoryRowToCanonical({ local_id: 1, name: 'T\u0000ea' }, context), { ok: false, error: 'name contains a NUL character' });
});
