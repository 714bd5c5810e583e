import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { parseLoymaxMessage } from '../src/ingest/loymax/parse.ts';
import { loymaxToCanonical } from '../src/ingest/loymax/to-canonical.ts';
import { readProfile, type SubscriptionView } from '../src/profiles/read-profile.ts';
import { resolveCustomer } from '../src/profiles/resolve-customer.ts';
import type { CanonicalEvent } from '../src/events/canonical.ts';
import { useTestStore } from './support/test-store.ts';

// A subscription message may name only some channels (the others null:
// unchanged). The profile must not depend on how the changes were batched,
// nor on which of two merged profiles heard of a channel last.
const testStore = useTestStore();

const loymax = (routingKey: string, model: object): CanonicalEvent => {
  const parsed = parseLoymaxMessage(routingKey, JSON.stringify(model));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.reason);
  return loymaxToCanonical(parsed.value, { workspaceId: 'default', messageId: null, redelivered: false, receivedAt: new Date().toISOString() });
};
const customerInfo = (customerId: number) => ({ customerId, accountgroupId: '1', customerUid: null, mobileDeviceId: null, identifierId: null, applicationId: null });
const subscription = (customerId: number, channels: Record<string, string>) =>
  loymax('customer.subscription.update', {
    subscriptionTypeId: 1,
    subscriptionTypeCode: 'DiscountOperation',
    subscriptionTypeName: 'Discount accrual notifications',
    subscriptionInfo: channels,
    eventCode: 'OnCustomerSubscriptionChange',
    customerInfo: customerInfo(customerId),
  });
const merge = (from: number, into: number) =>
  loymax('customer.profile.merge', { fromCustomerInfo: customerInfo(from), toCustomerInfo: customerInfo(into), eventCode: 'MergeCustomersProfiles' });

async function subscriptionsOf(customerId: number): Promise<SubscriptionView[]> {
  const customer = await resolveCustomer(testStore(), 'default', `loymax:${customerId}`);
  assert.ok(customer, `customer ${customerId} exists`);
  return (await readProfile(testStore(), 'default', customer))!.subscriptions;
}
const channelsOf = async (customerId: number) => (await subscriptionsOf(customerId)).map((s) => [s.typeCode, s.channels]);

test('two changes of one subscription type naming different channels give the same profile in one batch as in two', async () => {
  await applyEvents(testStore(), 'default', [subscription(701, { mail: 'Enabled' }), subscription(701, { sms: 'Disabled' })]);
  await applyEvents(testStore(), 'default', [subscription(702, { mail: 'Enabled' })]);
  await applyEvents(testStore(), 'default', [subscription(702, { sms: 'Disabled' })]);

  const expected = [['DiscountOperation', { mail: 'Enabled', push: null, sms: 'Disabled', viber: null, chatBot: null, socialNetworks: null }]];
  assert.deepEqual(await channelsOf(701), expected);
  assert.deepEqual(await channelsOf(702), expected);
});

test("a merge keeps the channels only the older of the two profiles' subscriptions named, the later one winning where both did", async () => {
  // The merged profile heard last (its row is the later one), then the target heard last.
  await applyEvents(testStore(), 'default', [subscription(712, { mail: 'Disabled', push: 'Enabled' })]);
  await applyEvents(testStore(), 'default', [subscription(711, { mail: 'Enabled', sms: 'Disabled' })]);
  await applyEvents(testStore(), 'default', [merge(711, 712)]);
  await applyEvents(testStore(), 'default', [subscription(722, { mail: 'Enabled', sms: 'Disabled' })]);
  await applyEvents(testStore(), 'default', [subscription(721, { mail: 'Disabled', push: 'Enabled' })]);
  await applyEvents(testStore(), 'default', [merge(721, 722)]);

  assert.deepEqual(await channelsOf(712), [['DiscountOperation', { mail: 'Enabled', push: 'Enabled', sms: 'Disabled', viber: null, chatBot: null, socialNetworks: null }]]);
  assert.deepEqual(await channelsOf(722), [['DiscountOperation', { mail: 'Disabled', push: 'Enabled', sms: 'Disabled', viber: null, chatBot: null, socialNetworks: null }]]);
});
