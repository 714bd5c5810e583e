import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { applyEvents } from '../src/apply/apply-batch.ts';
import type { CanonicalEvent } from '../src/events/canonical.ts';
import { erasedPayload } from '../src/events/erased-payload.ts';
import { parseLoymaxMessage } from '../src/ingest/loymax/parse.ts';
import { loymaxToCanonical, toCustomer } from '../src/ingest/loymax/to-canonical.ts';
import { dumpAllTables } from './support/capillary-webhook.ts';
import { useTestStore } from './support/test-store.ts';

// A profile merged into another is the same person under an older key: what
// stayed under that key (its attribute history, its logged events, its
// source ids) goes when the profile it was merged into is erased. No source
// sends an erasure for a merge target yet (merges are Loymax's, erasures
// Capillary's), so the erasure here is a canonical event made by hand.
const testStore = useTestStore('merged');

const loymax = (routingKey: string, model: object): CanonicalEvent => {
  const parsed = parseLoymaxMessage(routingKey, JSON.stringify(model));
  assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.error));
  return loymaxToCanonical(parsed.value, { workspaceId: 'merged', messageId: randomUUID(), redelivered: false, receivedAt: new Date().toISOString() });
};
const customerInfo = (customerId: number) => ({ customerId, customerUid: `uid-of-${customerId}`, mobileDeviceId: `device-of-${customerId}` });
const phoneChange = loymax('customer.attribute.update', {
  eventCode: 'OnCustomerAttributeUpdate',
  customerInfo: customerInfo(41),
  attributeCode: 'mobilePhone',
  oldValue: null,
  newValue: '+7 912 345-67-89',
  changeDateTime: '2026-11-20T10:00:00Z',
});
const merge = loymax('customer.profile.merge', { eventCode: 'MergeCustomersProfiles', fromCustomerInfo: customerInfo(41), toCustomerInfo: customerInfo(42) });
const erasure = (): CanonicalEvent => ({
  ...merge,
  eventId: randomUUID(),
  routingKey: null,
  eventCode: 'erasure',
  customer: toCustomer(customerInfo(42)),
  streamKey: 'loymax:42|erasure',
  payload: erasedPayload(),
  change: { kind: 'personalDataErased', reason: 'test' },
});
const traces = async () => (await dumpAllTables(testStore())).match(/912 ?345|uid-of-4[12]|device-of-4[12]/g) ?? [];

test("erasing a profile erases what stayed under the keys merged into it", async () => {
  await applyEvents(testStore(), 'merged', [phoneChange]);
  await applyEvents(testStore(), 'merged', [merge]);
  assert.ok((await traces()).length > 0, 'the phone and ids are stored (the check can see them)');
  await applyEvents(testStore(), 'merged', [erasure()]);
  assert.deepEqual(await traces(), []);
  const tombstone = await testStore().query("SELECT customer_key FROM customers WHERE workspace_id = 'merged' ORDER BY customer_key");
  assert.deepEqual(tombstone.rows.map((r) => r.customer_key), ['loymax:41', 'loymax:42'], 'the keys stay');
});
