import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapSourceRows } from './map-source-rows.ts';

const context = { entity: 'events' as const, workspaceId: 'acme', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z', cursorColumn: 'local_id', keyColumn: 'local_id' };
const row = { local_id: 7, customer_id: 1001, event_type: 'review', date: '2026-05-06 07:08:09', rating: 5, user_id: 'acme-corp' };
const attributesOf = (tenantColumn: string | undefined) => {
  const { events, rejections } = mapSourceRows([row], { ...context, tenantColumn });
  assert.deepEqual(rejections, []);
  const change = events[0]!.change;
  assert.ok(change.kind === 'customerEventRecorded');
  return change.attributes;
};

test("the tenant filter's column is not part of the row's data (the seed's user_id)", () => {
  assert.deepEqual(attributesOf('user_id'), { rating: '5' });
  assert.deepEqual(attributesOf(undefined), { rating: '5', user_id: 'acme-corp' });
  // a tenant column that is also the cursor or key column stays: the row's version and name need it
  assert.equal(mapSourceRows([row], { ...context, tenantColumn: 'local_id' }).events.length, 1);
});

test("an entity's own column chosen as the tenant column is still read: a receipt keeps its store, an event its customer", () => {
  const receipt = { local_id: 501, customer_id: 1001, date: '2026-05-06 07:08:09', operation: 'sale', amount: '10', store_id: 'S-7' };
  const receipts = mapSourceRows([receipt], { ...context, entity: 'receipts', tenantColumn: 'store_id' });
  assert.deepEqual(receipts.rejections, []);
  const sale = receipts.events[0]!.change;
  assert.ok(sale.kind === 'purchaseConfirmed');
  assert.equal(sale.receipt.merchantId, 'S-7');

  const byCustomer = mapSourceRows([row], { ...context, tenantColumn: 'customer_id' });
  assert.deepEqual(byCustomer.rejections, []);
  assert.equal(byCustomer.events[0]!.customer.key, 'sql:shop:1001');
});
