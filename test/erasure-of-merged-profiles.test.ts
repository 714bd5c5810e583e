import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { listProjectionFailures } from '../src/apply/projection-queue-table.ts';
import { recordFailedProjection } from './support/failed-projection.ts';
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

const recordFailed = (event: CanonicalEvent, reason: string) => recordFailedProjection(testStore(), 'merged', event, reason);

test("failed events addressed to an erased profile, or merging into it, keep neither its source ids nor the value their reason quotes", async () => {
  const phone = '+7 912 345-00-43';
  const change = (value: string) => loymax('customer.attribute.update', { eventCode: 'OnCustomerAttributeUpdate', customerInfo: customerInfo(43), attributeCode: 'mobilePhone', oldValue: null, newValue: value, changeDateTime: '2026-11-20T10:00:00Z' });
  await applyEvents(testStore(), 'merged', [change('+7 900 000-00-00')]);
  await recordFailed(change(phone), `invalid input syntax for type integer: "${phone}"`);
  await recordFailed(loymax('customer.profile.merge', { eventCode: 'MergeCustomersProfiles', fromCustomerInfo: customerInfo(44), toCustomerInfo: customerInfo(43) }), 'simulated failure');
  const traces43 = async () => (await dumpAllTables(testStore())).match(/912 ?345-00-43|uid-of-43|device-of-43/g) ?? [];
  assert.ok((await traces43()).length > 0, 'the phone and ids are stored (the check can see them)');

  await applyEvents(testStore(), 'merged', [{ ...erasure(), customer: toCustomer(customerInfo(43)), streamKey: 'loymax:43|erasure' }]);
  assert.deepEqual(await traces43(), []);
  const failures = await listProjectionFailures(testStore(), 'merged', 10);
  assert.deepEqual(failures.map((f) => [f.customerKey, f.eventCode, f.error]), [
    ['loymax:43', 'OnCustomerAttributeUpdate', 'invalid input syntax for type integer: "…"'],
    ['loymax:44', 'MergeCustomersProfiles', 'simulated failure'],
  ], 'both kept for a retry');
});

test("malformed failed events stop no erasure: one naming the erased profile is left as a stub, another stays as it was", async () => {
  // group events whose members are not a list (an adapter bug); a group event's addressee is one of its members
  const malformed = (id: number): CanonicalEvent => ({
    ...loymax('customer.attribute.update', { eventCode: 'OnCustomerAttributeUpdate', customerInfo: customerInfo(id), attributeCode: 'mobilePhone', oldValue: null, newValue: null }),
    eventCode: 'GroupMemberAdded',
    change: { kind: 'groupChanged', action: 'memberAdded', group: { groupId: '9', name: null }, members: { phone: `+7 912 345-00-${id}` } as never },
  });
  const [ofErased, ofOther] = [malformed(45), malformed(46)];
  await recordFailed(ofErased, 'simulated failure');
  await recordFailed(ofOther, 'simulated failure');
  await applyEvents(testStore(), 'merged', [{ ...erasure(), customer: toCustomer(customerInfo(45)), streamKey: 'loymax:45|erasure' }]);
  const kept = await testStore().query<{ event: unknown }>(
    "SELECT event FROM projection_failures WHERE workspace_id = 'merged' AND customer_key IN ('loymax:45', 'loymax:46') ORDER BY customer_key",
  );
  assert.deepEqual(kept.rows.map((r) => r.event), [
    { eventCode: 'GroupMemberAdded', customer: { key: 'loymax:45' }, notRedactable: true },
    JSON.parse(JSON.stringify({ ...ofOther, payload: null })),
  ]);
  assert.doesNotMatch(await dumpAllTables(testStore()), /uid-of-45|912 345-00-45/);
});
