import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { applyEvents } from '../src/apply/apply-batch.ts';
import type { CanonicalEvent } from '../src/events/canonical.ts';
import { parseCapillaryBody } from '../src/ingest/capillary/parse.ts';
import { capillaryToCanonical } from '../src/ingest/capillary/to-canonical.ts';
import { parseLoymaxMessage } from '../src/ingest/loymax/parse.ts';
import { loymaxToCanonical } from '../src/ingest/loymax/to-canonical.ts';
import { readProfile } from '../src/profiles/read-profile.ts';
import { resolveCustomer } from '../src/profiles/resolve-customer.ts';
import { useTestStore } from './support/test-store.ts';

// A profile's lastEventAt is read from the log: when its newest event was
// received, addressed to it, to a key merged into it, or naming it (a group
// event's member).
const testStore = useTestStore('last');

const loymax = (routingKey: string, body: unknown, receivedAt: string): CanonicalEvent => {
  const parsed = parseLoymaxMessage(routingKey, JSON.stringify(body));
  if (!parsed.ok) throw new Error(parsed.error.reason);
  return loymaxToCanonical(parsed.value, { workspaceId: 'last', messageId: `${routingKey}@${receivedAt}`, redelivered: false, receivedAt });
};
const registration = (customerId: number, receivedAt: string) =>
  loymax('customer.registration.begin', { eventCode: 'OnBeginRegistration', customerInfo: { customerId } }, receivedAt);
const lastEventAt = async (key: string) => {
  const customer = await resolveCustomer(testStore(), 'last', key);
  assert.ok(customer, `${key} has a profile`);
  return (await readProfile(testStore(), 'last', customer))?.lastEventAt;
};

test("a profile's last event is its newest, addressed to it or to a key merged into it", async () => {
  await applyEvents(testStore(), 'last', [registration(1, '2026-01-01T00:00:00.000Z'), registration(2, '2026-01-02T00:00:00.000Z')]);
  assert.equal(await lastEventAt('loymax:1'), '2026-01-01T00:00:00.000Z', "another profile's event does not count");

  const merge = { eventCode: 'MergeCustomersProfiles', fromCustomerInfo: { customerId: 2 }, toCustomerInfo: { customerId: 1 } };
  await applyEvents(testStore(), 'last', [loymax('customer.profile.merge', merge, '2026-01-03T00:00:00.000Z')]);
  assert.equal(await lastEventAt('loymax:1'), '2026-01-03T00:00:00.000Z');
  await applyEvents(testStore(), 'last', [registration(2, '2026-01-04T00:00:00.000Z')]);
  assert.equal(await lastEventAt('loymax:1'), '2026-01-04T00:00:00.000Z', 'an event of the merged key lands on the target');
});

test("a group event naming a member is the member's last event", async () => {
  const body = readFileSync(new URL('./fixtures/capillary/groupMemberAdded.flat.json', import.meta.url), 'utf8');
  const parsed = parseCapillaryBody(body);
  assert.ok(parsed.ok && parsed.value[0]?.ok);
  const event = capillaryToCanonical(parsed.value[0].value, { workspaceId: 'last', receivedAt: '2026-02-01T00:00:00.000Z' });
  await applyEvents(testStore(), 'last', [event]);
  assert.equal(event.customer.key, 'capillary:3970', 'the added member is addressed; the primary member only named');
  assert.equal(await lastEventAt('capillary:7098'), '2026-02-01T00:00:00.000Z');
});
